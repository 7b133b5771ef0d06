-- wrk script for `make bench`: every connection cycles over the request
-- paths listed in a file (one per line), the same paths s3bench fetches.
--   wrk -s bench/keys.lua http://127.0.0.1:PORT -- PATHS_FILE
-- done() prints one machine-readable line:
--   WRK requests=N bytes=N seconds=S errors=N

local paths, n, i = {}, 0, 0

function init(args)
    local f = assert(io.open(args[1], "r"))
    for line in f:lines() do
        if #line > 0 then
            n = n + 1
            paths[n] = line
        end
    end
    f:close()
    -- wrk gives each thread its own Lua state: start threads at different
    -- points of the list so they do not walk it in lockstep.
    math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
    i = math.random(0, n - 1)
end

function request()
    i = i + 1
    if i > n then i = 1 end
    return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("WRK requests=%d bytes=%d seconds=%.6f errors=%d\n",
        summary.requests, summary.bytes, summary.duration / 1e6,
        e.connect + e.read + e.write + e.status + e.timeout))
end

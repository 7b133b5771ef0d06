#!/usr/bin/env python3
"""Generates the bench data set for the nginx S3 stand-in (python3 stdlib only).

    bench/gen_data.py OUTDIR

OUTDIR/objects/BUCKET/KEY     the object files nginx serves at /BUCKET/KEY
OUTDIR/list/BUCKET/N.xml      ListObjectsV2 page N (0 = the bare bucket URL;
                              N >= 1 = continuation-token=N)
OUTDIR/keys-BUCKET.txt        one request path per line, for wrk's Lua script
OUTDIR/stamp                  the parameters; when unchanged nothing is redone

Buckets: s3bench-small (10,000 keys of 1 KiB) and s3bench-large (64 keys of
16 MiB, 1 GiB). Sizes can be changed with SMALL_COUNT, SMALL_SIZE,
LARGE_COUNT, LARGE_SIZE in the environment.
"""
import hashlib
import os
import sys

PAGE = 1000  # keys per ListObjectsV2 page, S3's maximum

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        '<Name>{bucket}</Name><Prefix></Prefix>{ctoken}<KeyCount>{count}</KeyCount>'
        '<MaxKeys>{page}</MaxKeys><EncodingType>url</EncodingType>'
        '<IsTruncated>{trunc}</IsTruncated>')
ITEM = ('<Contents><Key>{key}</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified>'
        '<ETag>&quot;{etag}&quot;</ETag><Size>{size}</Size>'
        '<StorageClass>STANDARD</StorageClass></Contents>')


def write_bucket(out, bucket, count, size, block):
    """Writes count objects of size bytes (block's bytes, each with its index
    stamped at the head so no two are alike) and the listing pages."""
    odir = os.path.join(out, "objects", bucket)
    ldir = os.path.join(out, "list", bucket)
    os.makedirs(odir, exist_ok=True)
    os.makedirs(ldir, exist_ok=True)
    keys = [f"obj-{i:07d}" for i in range(count)]
    etag = hashlib.md5(block[:size]).hexdigest()  # one fake ETag: nobody checks it
    for i, key in enumerate(keys):
        stamp = f"{i:016d}".encode()
        with open(os.path.join(odir, key), "wb") as f:
            f.write(stamp[:size])
            f.write(memoryview(block)[len(stamp[:size]):size])
    npages = max(1, (count + PAGE - 1) // PAGE)
    for p in range(npages):
        part = keys[p * PAGE:(p + 1) * PAGE]
        last = p == npages - 1
        xml = [HEAD.format(bucket=bucket, count=len(part), page=PAGE,
                           trunc="false" if last else "true",
                           ctoken=f"<ContinuationToken>{p}</ContinuationToken>" if p else "")]
        xml += [ITEM.format(key=k, etag=etag, size=size) for k in part]
        if not last:
            xml.append(f"<NextContinuationToken>{p + 1}</NextContinuationToken>")
        xml.append("</ListBucketResult>")
        with open(os.path.join(ldir, f"{p}.xml"), "w") as f:
            f.write("".join(xml))
    with open(os.path.join(out, f"keys-{bucket}.txt"), "w") as f:
        f.writelines(f"/{bucket}/{k}\n" for k in keys)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    env = os.environ
    small = (int(env.get("SMALL_COUNT", 10000)), int(env.get("SMALL_SIZE", 1024)))
    large = (int(env.get("LARGE_COUNT", 64)), int(env.get("LARGE_SIZE", 16 << 20)))
    want = f"v1 small={small} large={large}\n"
    stamp = os.path.join(out, "stamp")
    try:
        with open(stamp) as f:
            if f.read() == want:
                print(f"gen_data: {out} is up to date", file=sys.stderr)
                return
    except FileNotFoundError:
        pass
    os.makedirs(out, exist_ok=True)
    if os.path.exists(stamp):
        os.unlink(stamp)
    print(f"gen_data: writing {small[0]} x {small[1]} B and {large[0]} x {large[1]} B "
          f"under {out}", file=sys.stderr)
    block = os.urandom(max(small[1], large[1]))
    write_bucket(out, "s3bench-small", small[0], small[1], block)
    write_bucket(out, "s3bench-large", large[0], large[1], block)
    with open(stamp, "w") as f:
        f.write(want)


if __name__ == "__main__":
    main()

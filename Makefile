# s3bench: list a bucket, fetch every object with N threads or processes, time it.
# `make` builds build/s3bench; `make test` runs every test; `make run` runs the benchmark.

CC       ?= cc
PKGS     := libcurl openssl libxml-2.0 libcjson
SANITIZE ?=
comma    := ,
BUILD    := build$(if $(SANITIZE),/san-$(subst $(comma),-,$(SANITIZE)))

WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wvla
# Library flags come from pkg-config; the user's CFLAGS/LDFLAGS are appended, never replaced.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
SAN_FLAGS  = $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-omit-frame-pointer)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -O2 -g $(WARN) -Iinclude $(PKG_CFLAGS) $(SAN_FLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)
LIBS       = $(PKG_LIBS) -lpthread -lm

SRC      := $(wildcard src/*.c)
LIB_OBJ  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(filter-out src/main.c,$(SRC)))
MAIN_OBJ := $(BUILD)/obj/main.o
TEST_SRC := $(wildcard test/test_*.c)
TESTS    := $(patsubst test/%.c,$(BUILD)/test/%,$(TEST_SRC))

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all deps test unit run clean s3-up s3-down check-deps
all: $(BUILD)/s3bench

$(BUILD)/s3bench: $(LIB_OBJ) $(MAIN_OBJ) | check-deps
	@$(if $(Q),echo "  LINK  $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/obj/%.o: src/%.c $(wildcard include/*.h) | check-deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC    $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/test/%: test/%.c test/testutil.h $(LIB_OBJ)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC    $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Itest $(shell pkg-config --cflags cmocka 2>/dev/null) -o $@ $< $(LIB_OBJ) \
		$(ALL_LDFLAGS) $(LIBS) $(shell pkg-config --libs cmocka 2>/dev/null)

# Installs what a fresh Debian 12 / Ubuntu machine lacks; does nothing when all is there.
deps:
	@scripts/deps.sh

check-deps:
	@scripts/deps.sh --if-missing

# Unit tests only: no network, no credentials.
unit: $(TESTS) $(BUILD)/s3bench
	@BUILD=$(BUILD) test/run.sh --unit $(TESTS)

# Everything: unit tests, then the end-to-end tests against the local S3 server.
test: $(TESTS) $(BUILD)/s3bench
	@BUILD=$(BUILD) test/run.sh $(TESTS)

s3-up:
	@scripts/s3server.sh start

s3-down:
	@scripts/s3server.sh stop

run: $(BUILD)/s3bench
	@BUILD=$(BUILD) scripts/run.sh $(ARGS)

clean:
	rm -rf build

# `make bench`: the performance harness (bench/run.sh): an nginx S3 stand-in on
# 127.0.0.1, wrk as the ceiling, s3bench in both modes, a boto3 baseline, and the
# listing and signing micro-benchmarks linked against the project's objects.
BENCH_BIN := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))
.PHONY: bench
$(BUILD)/bench/%: bench/%.c $(LIB_OBJ)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC    $<")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_OBJ) $(ALL_LDFLAGS) $(LIBS)

bench: $(BUILD)/s3bench $(BENCH_BIN)
	@BUILD=$(BUILD) bench/run.sh

# `make fuzz`: the libFuzzer targets of test/fuzz/ (clang, with ASan and UBSan,
# every report fatal) built into build/fuzz/, then each run for FUZZ_SECONDS
# (default 60) by test/fuzz/run.sh, which prints the executions per target.
# `make fuzz-build` only builds. A crash input kept in test/fuzz/regressions/
# is replayed by `make test` too (test/test_fuzz_replay.c includes the targets).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR     := build/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS   = -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) -Iinclude $(PKG_CFLAGS) $(FUZZ_SAN) $(CFLAGS)
FUZZ_LIB_OBJ := $(patsubst src/%.c,$(FUZZ_DIR)/obj/%.o,$(filter-out src/main.c,$(SRC)))
FUZZ_BIN     := $(patsubst test/fuzz/%.c,$(FUZZ_DIR)/%,$(wildcard test/fuzz/fuzz_*.c))
.PHONY: fuzz fuzz-build
$(FUZZ_DIR)/obj/%.o: src/%.c $(wildcard include/*.h) | check-deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC    $< (fuzz)")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/libs3bench.a: $(FUZZ_LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: test/fuzz/fuzz_%.c test/fuzz/fuzz.h $(FUZZ_DIR)/libs3bench.a
	@$(if $(Q),echo "  LINK  $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(FUZZ_DIR)/libs3bench.a $(LIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	@FUZZ_DIR=$(FUZZ_DIR) FUZZ_SECONDS=$(FUZZ_SECONDS) test/fuzz/run.sh $(FUZZ_BIN)

# The replay test includes the fuzz targets' sources.
$(BUILD)/test/test_fuzz_replay: $(wildcard test/fuzz/*.c test/fuzz/*.h)

# ---- The container image, the local MinIO stack and the ECS Fargate task
# definitions (docker/, ecs-taskdefs/; README: "Run against MinIO locally",
# "Container image and ECS Fargate").
.PHONY: image-test
# Builds docker/Dockerfile with podman from base images it makes with
# debootstrap, then runs the image's binary against the local S3 server: no
# Docker engine or registry needed. Slow the first time (a few minutes); CI runs it.
image-test:
	@scripts/image-test.sh

# The MinIO stack of docker/docker-compose.yml (needs Docker with compose and
# a running engine). Its credentials are in docker/.env, made once from the
# example; an existing one is never overwritten.
.PHONY: minio-up minio-down run-minio
docker/.env: | docker/.env.example
	cp docker/.env.example $@

minio-up minio-down: | docker/.env
	@scripts/minio.sh $(patsubst minio-%,%,$@)

run-minio: | docker/.env
	@scripts/minio.sh run $(ARGS)

# The ECS Fargate task definitions of 1, 2 and 4 vCPU and the task role's IAM
# documents, from the templates in ecs-taskdefs/, into build/ecs-taskdefs/:
#   make taskdefs IMAGE=... ACCOUNT=... REGION=... BUCKET_NAME=... RESULT_BUCKET_NAME=... [ARCH=ARM64]
# (ecs-taskdefs/generate.sh lists every parameter; run-grid.sh runs the grid.)
.PHONY: taskdefs
taskdefs:
	@ecs-taskdefs/generate.sh

#!/usr/bin/env bash
# Fuzz smoke test (issue #10): builds every cargo-fuzz target, runs each for a short burst
# from the committed seeds, then replays the committed corpus once. Exits non-zero if any
# target crashes (panic, failed assertion, timeout, out-of-memory) or fails to build.
#
#   bash fuzz/ci.sh                  # all targets, 15 s each
#   FUZZ_BURST_SECS=60 bash fuzz/ci.sh mock_verify bill_csv
#
# The fuzz crate is its own workspace with its own target dir (fuzz/target): it never
# touches the root target/. Crash inputs land in fuzz/artifacts/<target>/; new corpus
# entries found during the burst go to a scratch directory, not to the committed seeds.
#
# Toolchain: cargo-fuzz needs nightly-only rustc flags. With a nightly toolchain installed
# it is used (`cargo +nightly fuzz`); otherwise the stable toolchain is told to accept them
# (`RUSTC_BOOTSTRAP=1 cargo fuzz`). Sanitizer: none (see docs/reliability.md: the code
# under test is `forbid(unsafe_code)` Rust; ASan would double build and run time for
# little gain). Debug assertions and overflow checks stay on (cargo-fuzz's default).
set -euo pipefail

cd "$(dirname "$0")"

# --build-only: install cargo-fuzz if needed and build the targets, nothing else (.ci/run
# starts this in the background at low priority, so the build uses CPU the other steps
# leave idle; the later full run finds it done, or waits on cargo's lock until it is).
BUILD_ONLY=0
if [ "${1:-}" = --build-only ]; then
    BUILD_ONLY=1
    shift
fi

BURST="${FUZZ_BURST_SECS:-15}"
# One input taking longer than this is a failure (a hang or quadratic blow-up).
TIMEOUT="${FUZZ_TIMEOUT_SECS:-10}"
RSS_MB="${FUZZ_RSS_LIMIT_MB:-2048}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install --locked cargo-fuzz
fi

# FUZZ_TOOLCHAIN=stable forces the stable path even where nightly is installed.
if [ "${FUZZ_TOOLCHAIN:-}" != stable ] && rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    FUZZ=(cargo +nightly fuzz)
else
    export RUSTC_BOOTSTRAP=1
    FUZZ=(cargo fuzz)
fi
BUILD_FLAGS=(--sanitizer none)

if [ "$#" -gt 0 ]; then
    TARGETS=("$@")
else
    mapfile -t TARGETS < <("${FUZZ[@]}" list)
fi

echo "fuzz: ${FUZZ[*]} build ${BUILD_FLAGS[*]} (${#TARGETS[@]} targets)"
start=$SECONDS
"${FUZZ[@]}" build "${BUILD_FLAGS[@]}"
echo "fuzz: build took $((SECONDS - start)) s"
if [ "$BUILD_ONLY" = 1 ]; then
    exit 0
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failed=()

run() {
    local target="$1"
    shift
    "${FUZZ[@]}" run "${BUILD_FLAGS[@]}" "$target" "$@" 2>"$scratch/$target.log" || {
        tail -n 60 "$scratch/$target.log" >&2
        return 1
    }
    grep -E '^(Done|#[0-9]+\s+DONE|stat::number_of_executed_units)' "$scratch/$target.log" | tail -n 2 || true
}

start=$SECONDS
for t in "${TARGETS[@]}"; do
    echo "fuzz: burst $t (${BURST} s)"
    mkdir -p "$scratch/grown/$t"
    # The scratch dir comes first: libFuzzer writes new inputs into the first directory,
    # and only reads the committed seeds.
    run "$t" "$scratch/grown/$t" "corpus/$t" -- \
        -max_total_time="$BURST" -timeout="$TIMEOUT" -rss_limit_mb="$RSS_MB" \
        -print_final_stats=1 || failed+=("$t (burst)")
done
echo "fuzz: bursts took $((SECONDS - start)) s"

start=$SECONDS
for t in "${TARGETS[@]}"; do
    echo "fuzz: replay corpus/$t ($(find "corpus/$t" -type f | wc -l) inputs)"
    run "$t" "corpus/$t" -- -runs=0 -timeout="$TIMEOUT" -rss_limit_mb="$RSS_MB" \
        || failed+=("$t (replay)")
done
echo "fuzz: replay took $((SECONDS - start)) s"

if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
    exit 1
fi
echo "fuzz: ok"

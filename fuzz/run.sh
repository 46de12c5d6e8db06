#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz_targets/ for a fixed time, one after another, one job
# each, and prints how many inputs each one tried and what it found.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     SECONDS per target, default 60; default all targets
#
# Each target's corpus (fuzz/corpus/<target>/, gitignored) is seeded with the parser fixtures of
# the matching extension from crates/thematic-transcript/tests/data/ (parse_auto gets them all)
# and kept between runs, so later runs start from what earlier ones learned. A finding is a
# crash-, timeout-, oom- or leak- file written to fuzz/artifacts/<target>/ during this run; the
# script exits 1 if there is one (2 if it could not run at all). Logs: fuzz/target/run-logs/.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). Builds on stable with RUSTC_BOOTSTRAP=1 and
# --sanitizer none (see fuzz/README.md). Environment knobs: FUZZ_TIMEOUT (seconds one input may
# take before it counts as a timeout finding, default 10), FUZZ_RSS_MB (memory limit, default
# 2048), FUZZ_FRESH=1 (start each corpus again from the fixtures alone, for comparable
# figures), FUZZ_NO_WAIT=1 (do not wait for other cargo builds to finish first).
set -euo pipefail

fuzz_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
data_dir="$fuzz_dir/../crates/thematic-transcript/tests/data"
cd "$fuzz_dir"

seconds=${1:-60}
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
    echo "run.sh: SECONDS must be a whole number of seconds above 0, got '$seconds'" >&2
    echo "usage: fuzz/run.sh [SECONDS] [TARGET...]" >&2
    exit 2
fi
shift || true

if [[ $# -gt 0 ]]; then
    targets=("$@")
else
    targets=()
    for f in fuzz_targets/*.rs; do targets+=("$(basename "$f" .rs)"); done
fi
for t in "${targets[@]}"; do
    if [[ ! -f fuzz_targets/$t.rs ]]; then
        echo "run.sh: no target '$t' (fuzz_targets/$t.rs does not exist)" >&2
        exit 2
    fi
done

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "run.sh: cargo-fuzz is not installed; run: cargo install cargo-fuzz" >&2
    exit 2
fi

# The fixture extensions that seed each target: the files a user would hand that reader.
seed_extensions() {
    case $1 in
        parse_txt | parse_otter | parse_rev) echo txt ;;
        parse_md) echo md ;;
        parse_docx) echo docx ;;
        parse_vtt) echo vtt ;;
        parse_srt) echo srt ;;
        parse_whisper_json) echo json ;;
        parse_nvivo_tsv) echo tsv ;;
        parse_auto) echo txt md docx vtt srt json tsv ;;
        *) echo "" ;;
    esac
}

# Be polite to the shared machine: wait (at most 10 minutes) for another cargo build to end.
if [[ ${FUZZ_NO_WAIT:-0} != 1 ]]; then
    waited=0
    while pgrep -f "cargo (test|build|clippy)" >/dev/null && ((waited < 600)); do
        ((waited == 0)) && echo "run.sh: another cargo build is running; waiting up to 10 minutes" >&2
        sleep 15
        waited=$((waited + 15))
    done
fi

echo "run.sh: building ${#targets[@]} target(s) (release, no sanitizer)" >&2
mkdir -p target
build_log="target/run-build.log"
: >"$build_log"
# `cargo fuzz build` takes one target, or none for all of them.
if [[ $# -gt 0 ]]; then build_args=("${targets[@]}"); else build_args=(""); fi
for t in "${build_args[@]}"; do
    if ! RUSTC_BOOTSTRAP=1 cargo fuzz build --sanitizer none $t >>"$build_log" 2>&1; then
        tail -n 30 "$build_log" >&2
        echo "run.sh: the fuzz build failed; full log in fuzz/$build_log" >&2
        exit 2
    fi
done
host=$(rustc -vV | sed -n 's/^host: //p')
bin_dir="$fuzz_dir/target/$host/release"

logs="$fuzz_dir/target/run-logs"
mkdir -p "$logs"
stamp="$logs/.start"
touch "$stamp"
sleep 1 # artifacts must be strictly newer than the stamp

rows=()
total_findings=0
for t in "${targets[@]}"; do
    bin="$bin_dir/$t"
    if [[ ! -x $bin ]]; then
        echo "run.sh: the build did not produce $bin" >&2
        exit 2
    fi
    corpus="corpus/$t"
    artifacts="artifacts/$t"
    [[ ${FUZZ_FRESH:-0} == 1 ]] && rm -rf "$corpus"
    mkdir -p "$corpus" "$artifacts"
    for ext in $(seed_extensions "$t"); do
        for f in "$data_dir"/*."$ext"; do
            [[ -f $f && $(basename "$f") != README.md ]] && cp -n "$f" "$corpus/" || true
        done
    done

    log="$logs/$t.log"
    echo "run.sh: $t for ${seconds}s ($(find "$corpus" -type f | wc -l) inputs in its corpus)" >&2
    status=0
    "$bin" "$corpus" \
        -max_total_time="$seconds" \
        -print_final_stats=1 \
        -timeout="${FUZZ_TIMEOUT:-10}" \
        -rss_limit_mb="${FUZZ_RSS_MB:-2048}" \
        -artifact_prefix="$artifacts/" \
        >"$log" 2>&1 || status=$?

    # libFuzzer has spelt this stat both ways over the years.
    execs=$(sed -En 's/^stat::number_(of_)?executed_units: *//p' "$log" | tail -n 1)
    if [[ -z $execs ]]; then # no final stats: fall back to the last status line, "#N ..."
        execs=$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#')
    fi
    execs=${execs:-0}
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    rate=${rate:-$((execs / seconds))}
    # "#N DONE cov: C ft: F corp: U/Sb ..." gives the corpus libFuzzer ended with.
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
    corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9A-Za-z]*\).*/\1/p' <<<"$done_line")
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
    corp=${corp:-$(find "$corpus" -type f | wc -l)}
    # "#N INITED cov: C ..." is the coverage of the corpus the run started from, before any
    # mutation (the fixtures alone on a first or FUZZ_FRESH=1 run).
    cov0=$(grep -E '^#[0-9]+[[:space:]]+INITED' "$log" | tail -n 1 |
        sed -n 's/.* cov: \([0-9]*\).*/\1/p' || true)
    findings=$(find "$artifacts" -type f -newer "$stamp" \
        \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
    if ((status != 0 && findings == 0)); then
        echo "run.sh: $t exited with status $status and left no artifact; see $log" >&2
        findings=1
    fi
    total_findings=$((total_findings + findings))
    rows+=("$t|$seconds|$execs|$rate|${cov0:-?}|${cov:-?}|$corp|$findings")
done

echo
line='| %-18s | %7s | %12s | %7s | %10s | %8s | %-12s | %8s |\n'
# shellcheck disable=SC2059
printf "$line" target seconds executions exec/s 'start cov' cov corpus findings
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' -------------------- --------: -------------: \
    --------: -----------: ---------: -------------- ---------:
total_execs=0
for row in "${rows[@]}"; do
    IFS='|' read -r t s e r c0 c corp f <<<"$row"
    total_execs=$((total_execs + e))
    # shellcheck disable=SC2059
    printf "$line" "$t" "$s" "$e" "$r" "$c0" "$c" "$corp" "$f"
done
# shellcheck disable=SC2059
printf "$line" total "$((seconds * ${#targets[@]}))" "$total_execs" "" "" "" "" "$total_findings"
echo
echo "start cov: code edges the starting corpus reaches; cov: edges reached by the end;"
echo "corpus: inputs/bytes kept. Logs: $logs/"

if ((total_findings > 0)); then
    echo "FOUND $total_findings finding(s):" >&2
    find artifacts -type f -newer "$stamp" \
        \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) >&2
    echo "reproduce: fuzz/target/$host/release/<target> fuzz/artifacts/<target>/<file>" >&2
    exit 1
fi

#!/usr/bin/env bash
# Runs the fuzz targets: `fuzz/run.sh TARGET SECONDS` or `fuzz/run.sh all SECONDS` (each
# target in turn for SECONDS). Needs the nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz`). Each target's corpus (fuzz/corpus/TARGET, not in git) is
# seeded from the repository (scenarios/, stdlib/, test fixtures, fuzz/seeds/TARGET);
# crashes land in fuzz/artifacts/TARGET. Prints per target: executions, corpus size,
# and findings; exits 1 when a target found something.
#
# Environment: FUZZ_JOBS (parallel fuzzing processes, default 1), FUZZ_NICE (default 19),
# CARGO_TARGET_DIR (default fuzz/target), FUZZ_SANITIZER (default none: the code is safe
# Rust; use address to look for memory errors in dependencies).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
cd "$here"

targets=(lang_check lang_fmt providers_file lab_file gotemplate apiserver_request)
what="${1:-}"
secs="${2:-60}"
if [[ -z "$what" || ! "$secs" =~ ^[0-9]+$ ]]; then
  echo "usage: fuzz/run.sh TARGET|all SECONDS   (targets: ${targets[*]})" >&2
  exit 2
fi
if [[ "$what" == all ]]; then
  run=("${targets[@]}")
else
  [[ " ${targets[*]} " == *" $what "* ]] || { echo "unknown target $what (targets: ${targets[*]})" >&2; exit 2; }
  run=("$what")
fi

# Seeds: what the repository already holds of each input kind, plus fuzz/seeds/TARGET.
seed() {
  local t="$1" dir="corpus/$1"
  mkdir -p "$dir"
  case "$t" in
    lang_check|lang_fmt)
      find "$repo/scenarios" "$repo/stdlib" "$repo/crates/mtvt-lang/tests" "$repo/tests" \
        -name '*.mtvt' -size -64k -print0 | while IFS= read -r -d '' f; do
          cp "$f" "$dir/$(sha1sum "$f" | cut -c1-16)"
        done ;;
    gotemplate)
      # every quoted pvc_name_template of the catalog, as a vSphere PVC template
      grep -rhoE "pvc_name_template +'[^']*'" "$repo/scenarios" "$repo/crates/mtvt-lang/tests" 2>/dev/null |
        sed -E "s/^pvc_name_template +'(.*)'$/\1/" | sort -u | while IFS= read -r tpl; do
          printf '\001%s' "$tpl" > "$dir/$(printf '%s' "$tpl" | sha1sum | cut -c1-16)"
        done ;;
  esac
  if [[ -d "seeds/$t" ]]; then cp seeds/"$t"/* "$dir/"; fi
}

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
sanitizer="${FUZZ_SANITIZER:-none}"
nice_level="${FUZZ_NICE:-19}"
status=0
jobs=()
if [[ "${FUZZ_JOBS:-1}" -gt 1 ]]; then jobs=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS"); fi
mkdir -p logs
for t in "${run[@]}"; do
  seed "$t"
  log="logs/$t.log"
  dict=()
  case "$t" in
    lang_check|lang_fmt) dict=(-dict=dicts/lang.dict) ;;
    *) if [[ -f "dicts/$t.dict" ]]; then dict=(-dict="dicts/$t.dict"); fi ;;
  esac
  nice -n "$nice_level" cargo +nightly fuzz run --sanitizer "$sanitizer" "$t" "corpus/$t" -- \
    -max_total_time="$secs" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
    "${dict[@]}" "${jobs[@]}" >"$log" 2>&1 || true
  execs=$(cat "$log" fuzz-*.log 2>/dev/null | awk '/^stat::number_of_executed_units/ {s+=$2} END {print s+0}' || true)
  rate=$(awk '/^stat::average_exec_per_sec/ {s+=$2} END {print s+0}' "$log" || true)
  findings=$(find "artifacts/$t" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) 2>/dev/null | wc -l)
  corpus=$(find "corpus/$t" -type f | wc -l)
  printf '%-18s %12s execs  %7s exec/s  corpus %6s  findings %s\n' "$t" "$execs" "$rate" "$corpus" "$findings"
  if [[ "$findings" -gt 0 ]]; then
    find "artifacts/$t" -type f | sed 's/^/    /'
    status=1
  fi
  rm -f fuzz-*.log
done
exit "$status"

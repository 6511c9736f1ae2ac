#!/bin/bash
# GUI smoke tests, run by ctest (label gui) with HOTPATH_BIN, PNG_CHECK, XVFB_RUN, TEST_DATA, WORK_DIR.
set -u
name=$1
work="$WORK_DIR/$name"
rm -rf "$work" && mkdir -p "$work"
export XDG_CONFIG_HOME="$work/config"
# -f: keep the X authority file in our work dir (xvfb-run's own temp dir cleanup is racy).
# Each test searches for a free display from its own number: two `xvfb-run -a` started at once from
# the same number can both take one display, and one test's input then reaches the other's window.
display_base=$((100 + $(printf '%s' "gui_$name" | cksum | cut -d' ' -f1) % 800))
xvfb() { "$XVFB_RUN" -a -n "$display_base" -f "$work/Xauthority" -s "-screen 0 1600x1000x24" "$@"; }
fail() { echo "FAIL: $*"; exit 1; }
trace="$TEST_DATA/shell/hta_trace_compare_base.json.gz"

# The test server as a process (attach tests): start_server ARGS... sets $port and $server_pid.
start_server() {
  [ -n "${TEST_SERVER:-}" ] || { echo "SKIP: no test server"; exit 0; }
  "$TEST_SERVER" --lifetime-s 90 "$@" > "$work/server.txt" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do grep -q '^PORT ' "$work/server.txt" 2> /dev/null && break; sleep 0.1; done
  port=$(sed -n 's/^PORT //p' "$work/server.txt")
  [ -n "$port" ] || fail "the test server did not start"
  trap 'kill $server_pid 2> /dev/null' EXIT
}
traffic() {  # N requests of M tokens
  for i in $(seq "$1"); do echo "{\"prompt\": \"live $i [tokens:$2]\", \"max_tokens\": $2}"; done > "$work/traffic.jsonl"
}

case "$name" in
  shell_starts)
    # The window opens, renders, exits 0 and saves its settings.
    xvfb "$HOTPATH_BIN" --quit-after-frames 5 > "$work/out.txt" 2>&1 || { cat "$work/out.txt"; fail "exit $?"; }
    [ -s "$XDG_CONFIG_HOME/hotpath/settings.json" ] || fail "settings.json not written"
    grep -q '"recent"' "$XDG_CONFIG_HOME/hotpath/settings.json" || fail "settings.json lacks recent files"
    # A corrupt settings file is tolerated: logged, defaults used, exit 0.
    echo '{ not json' > "$XDG_CONFIG_HOME/hotpath/settings.json"
    xvfb "$HOTPATH_BIN" --quit-after-frames 3 > "$work/out2.txt" 2>&1 || { cat "$work/out2.txt"; fail "corrupt settings: exit $?"; }
    grep -q "corrupt JSON" "$work/out2.txt" || { cat "$work/out2.txt"; fail "corrupt settings not reported"; }
    ;;
  screenshot_import_log)
    # PNG written either way; exit 1 (with the error on stderr) while no importer takes the file.
    xvfb "$HOTPATH_BIN" screenshot "$trace" --view import-log --out "$work/x.png" --size 1280x800 \
      --dump-state "$work/state.txt" > "$work/out.txt" 2>&1
    rc=$?
    cat "$work/out.txt"
    case $rc in
      0) ;;
      1) grep -q "screenshot written to" "$work/out.txt" || fail "exit 1 without a load error" ;;
      *) fail "exit $rc" ;;
    esac
    "$PNG_CHECK" "$work/x.png" 1280 800 || fail "bad PNG"
    ;;
  drop_unsupported)
    # A file dropped onto the window (through the same handler as GLFW's drop callback) that no
    # importer takes shows up as an error in the Import log.
    xvfb "$HOTPATH_BIN" --quit-after-frames 3 --simulate-drop "$TEST_DATA/shell/not_a_trace.txt" \
      --dump-state "$work/state.txt" > "$work/out.txt" 2>&1 || { cat "$work/out.txt"; fail "exit $?"; }
    cat "$work/state.txt"
    grep -q "^import-log: error	load.failed	.*not_a_trace.txt	0	unsupported file type$" "$work/state.txt" ||
      fail "no 'unsupported file type' entry in the Import log"
    grep -q "^status: .*error: .*not_a_trace.txt: unsupported file type" "$work/state.txt" ||
      fail "status bar does not show the error"
    ;;
  attach)
    # attach against the test server: after a few seconds the window shows live requests, metrics and
    # engine iterations from the server log, and the run file holds what was captured.
    start_server --ttft-ms 40 --itl-ms 20 --server-log "$work/server.log"
    traffic 400 20
    xvfb "$HOTPATH_BIN" attach "http://127.0.0.1:$port" --traffic "$work/traffic.jsonl" --concurrency 4 \
      --server-log "$work/server.log" --no-gpu --scrape-hz 4 --output "$work/live.hotpath" --exit-after 5 \
      --screenshot "$work/attach.png" --dump-state "$work/state.txt" > "$work/out.txt" 2>&1 ||
      { cat "$work/out.txt"; fail "exit $?"; }
    cat "$work/out.txt" "$work/state.txt"
    "$PNG_CHECK" "$work/attach.png" 1600 1000 || fail "bad PNG"
    grep -Eq "\[Requests \([1-9][0-9]*\)\]=[1-9]" "$work/state.txt" || fail "no live requests drawn"
    grep -Eq "\[vllm:num_requests_running[^]]*\]=[1-9]" "$work/state.txt" || fail "no scraped series drawn"
    grep -q "^live: snapshots=[1-9]" "$work/state.txt" || fail "no snapshots applied"
    grep -q "snapshots published" "$work/out.txt" || fail "no publish figures"
    "$HOTPATH_BIN" serve-report "$work/live.hotpath" > "$work/report.txt" 2>&1 || { cat "$work/report.txt"; fail "serve-report"; }
    ;;
  attach_kill)
    # kill -9 during attach: the partial run file opens, with a warning that the capture did not end cleanly.
    start_server --ttft-ms 40 --itl-ms 20
    traffic 2000 20
    xvfb "$HOTPATH_BIN" attach "http://127.0.0.1:$port" --traffic "$work/traffic.jsonl" --concurrency 4 \
      --no-gpu --output "$work/live.hotpath" > "$work/out.txt" 2>&1 &
    attach_pid=$!
    sleep 4
    pkill -9 -f "attach http://127.0.0.1:$port" || fail "attach was not running"
    wait $attach_pid 2> /dev/null
    xvfb "$HOTPATH_BIN" screenshot "$work/live.hotpath" --view import-log --out "$work/kill.png" --size 1280x800 \
      --dump-state "$work/state.txt" > "$work/out2.txt" 2>&1 || { cat "$work/out2.txt"; fail "the partial file did not open"; }
    grep -q "did not end cleanly" "$work/state.txt" || { cat "$work/state.txt"; fail "no warning for the partial file"; }
    grep -Eq "^status: .*[1-9][0-9]* requests" "$work/state.txt" || { cat "$work/state.txt"; fail "no requests kept"; }
    ;;
  serving_log)
    # A vLLM server log alone opens as a session: engine iterations and stats series on the timeline.
    xvfb "$HOTPATH_BIN" screenshot "$TEST_DATA/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz" \
      --view timeline --out "$work/log.png" --size 1600x1000 --dump-state "$work/state.txt" \
      > "$work/out.txt" 2>&1 || { cat "$work/out.txt"; fail "exit $?"; }
    cat "$work/state.txt"
    "$PNG_CHECK" "$work/log.png" 1600 1000 || fail "bad PNG"
    grep -q "7241 iterations" "$work/state.txt" || fail "status does not count the iterations"
    grep -Eq "\[Engine iterations \(7241\)\]=[1-9]" "$work/state.txt" || fail "no iterations drawn"
    grep -Eq "\[requests_running\{engine=\"0\"\}\]=[1-9]" "$work/state.txt" || fail "no stats series drawn"
    ;;
  serving_views)
    # The serving panels on a vLLM log alone: its 513 requests, 7241 iterations with both cost fits,
    # six load charts; no latency charts (the log has no finish lines) and a note saying why.
    log="$TEST_DATA/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz"
    for view in requests latency phases load whatif; do
      xvfb "$HOTPATH_BIN" screenshot "$log" --view "$view" --out "$work/$view.png" --size 1500x1000 \
        --dump-state "$work/$view.txt" > "$work/$view.out" 2>&1 || { cat "$work/$view.out"; fail "$view: exit $?"; }
      "$PNG_CHECK" "$work/$view.png" 1500 1000 || fail "$view: bad PNG"
    done
    grep -q "^requests: rows 513 sort arrival asc" "$work/requests.txt" || fail "requests: $(grep ^requests: "$work/requests.txt")"
    grep -q "^phases: iterations 7241 prefill_fit_n 477 decode_fit_n 6759$" "$work/phases.txt" ||
      fail "phases: $(grep ^phases: "$work/phases.txt")"
    grep -q "^load: charts 6 requests_running=1 requests_waiting=1 kv_cache_usage=1 preemptions=1" "$work/load.txt" ||
      fail "load: $(grep ^load: "$work/load.txt")"
    grep -q "^latency: charts 0 good 0$" "$work/latency.txt" || fail "latency: $(grep ^latency: "$work/latency.txt")"
    # tp 4 from the log's startup line: monolithic and 4P:4D on 8 GPUs.
    grep -q "^whatif: splits 2 " "$work/whatif.txt" || fail "whatif: $(grep ^whatif: "$work/whatif.txt")"
    xvfb "$HOTPATH_BIN" screenshot "$log" --view whatif --dialog export-config --out "$work/export.png" \
      --size 1500x1000 > "$work/export.out" 2>&1 || { cat "$work/export.out"; fail "export-config: exit $?"; }
    "$PNG_CHECK" "$work/export.png" 1500 1000 || fail "export-config: bad PNG"
    ;;
  every_view)
    # The bundled vLLM sample opens, and every panel renders to a non-blank PNG of the asked size.
    for view in timeline summary flame kernels triage ranks requests latency phases load experts kv whatif import-log; do
      xvfb "$HOTPATH_BIN" screenshot "$SAMPLE" --view "$view" --out "$work/$view.png" --size 1280x800 \
        > "$work/$view.txt" 2>&1 || { cat "$work/$view.txt"; fail "$view: exit $?"; }
      "$PNG_CHECK" "$work/$view.png" 1280 800 || fail "$view: bad PNG"
    done
    ;;
  experts_view)
    # The OLMoE routing counts open as an expert source; the Experts panel shows 3 layers x 64 experts.
    xvfb "$HOTPATH_BIN" screenshot "$TEST_DATA/experts/olmoe-1b-7b-0824_arxiv_expert_counts_L0-7-15.pkl" \
      --view experts --out "$work/e.png" --size 1400x900 --dump-state "$work/state.txt" > "$work/out.txt" 2>&1 ||
      { cat "$work/out.txt"; fail "exit $?"; }
    "$PNG_CHECK" "$work/e.png" 1400 900 || fail "bad PNG"
    grep -q "^experts: 3x64 ranks=8$" "$work/state.txt" || { cat "$work/state.txt"; fail "experts state"; }
    ;;
  kv_view)
    # The shared SGLang log: two KV pools (full, sliding window) of one replica, and the verdict.
    xvfb "$HOTPATH_BIN" screenshot "$TEST_DATA/logs/sglang_laguna-s-2.1-int4_dgxspark_prefill-decode.log" \
      --view kv --out "$work/kv.png" --size 1400x900 --dump-state "$work/state.txt" > "$work/out.txt" 2>&1 ||
      { cat "$work/out.txt"; fail "exit $?"; }
    "$PNG_CHECK" "$work/kv.png" 1400 900 || fail "bad PNG"
    grep -q "^kv: rows 2 regime not the bottleneck$" "$work/state.txt" || { cat "$work/state.txt"; fail "kv state"; }
    ;;
  timeline_colours)
    # Zoomed into 2 ms of the sample, the GPU lane shows kernels of several categories (by colour).
    xvfb "$HOTPATH_BIN" screenshot "$SAMPLE" --view kernels --range 14000000:16000000 --out "$work/t.png" \
      --size 1600x1000 --dump-state "$work/state.txt" > "$work/out.txt" 2>&1 || { cat "$work/out.txt"; fail "exit $?"; }
    cat "$work/state.txt"
    colours=$(sed -n 's/^timeline: .*kernel_colours=\([0-9]*\).*/\1/p' "$work/state.txt")
    [ -n "$colours" ] && [ "$colours" -ge 4 ] || fail "timeline shows ${colours:-no} kernel colours, want >= 4"
    ;;
  panel_only)
    # --panel-only writes just the selected panel: narrower/shorter than the window, not blank.
    xvfb "$HOTPATH_BIN" screenshot "$SAMPLE" --view kernels --panel-only --out "$work/p.png" --size 1280x800 \
      > "$work/out.txt" 2>&1 || { cat "$work/out.txt"; fail "exit $?"; }
    "$PNG_CHECK" "$work/p.png" -1280 -800 || fail "bad panel PNG"
    ;;
  *) fail "unknown test $name" ;;
esac
echo "PASS: $name"

#!/bin/bash
# Interaction tests (issue 22): the real window under Xvfb, driven with X11 input events (xdotool:
# mouse moves, clicks, wheel, keys) as a user drives it; assertions on the app's state dump, which
# SIGUSR1 asks for (written with a PNG of the window beside it, dump.txt.png).
# Env as gui_test.sh: HOTPATH_BIN, PNG_CHECK, XVFB_RUN, SAMPLE, TEST_DATA, WORK_DIR; XDOTOOL.
set -u
name=$1
work="$WORK_DIR/interact_$name"
if [ -z "${HP_INNER:-}" ]; then
  rm -rf "$work" && mkdir -p "$work"
  # A free display searched from this test's own number: two `xvfb-run -a` started at once from the
  # same number can share one display, and one test's keys then reach the other's window.
  base=$((100 + $(printf '%s' "interact_$name" | cksum | cut -d' ' -f1) % 800))
  HP_INNER=1 exec "$XVFB_RUN" -a -n "$base" -f "$work/Xauthority" -s "-screen 0 1600x1000x24" bash "$0" "$@"
fi
export XDG_CONFIG_HOME="$work/config"
mkdir -p "$XDG_CONFIG_HOME/hotpath"
fail() {
  echo "FAIL: $*"
  [ -f "$work/dump.txt" ] && cat "$work/dump.txt"
  exit 1
}
X="$XDOTOOL"
state="$work/dump.txt"
n=0
app=

# Geometry fixed by the settings: the window at (0,0), 1400x900, the Kernels panel in front.
start_app() {
  cat > "$XDG_CONFIG_HOME/hotpath/settings.json" <<JSON
{"window": {"x": 0, "y": 0, "width": 1400, "height": 900}, "active_panel": "${2:-kernels}",
 "bottom_height": 320, "recent": [], "last_dir": ""}
JSON
  n=0  # each start counts its dumps from 1
  rm -f "$state"
  "$HOTPATH_BIN" $1 --dump-state "$state" > "$work/app.txt" 2>&1 &
  app=$!
  for _ in $(seq 1 100); do
    "$X" search --name '^hotpath$' > /dev/null 2>&1 && break
    sleep 0.2
  done
  "$X" mousemove 700 300
  sleep 1
  dump
  for _ in $(seq 1 50); do  # until the trace is loaded
    grep -q "^timeline-geometry" "$state" && return
    sleep 0.3
    dump
  done
  fail "the trace did not load"
}
stop_app() {
  kill "$app" 2> /dev/null
  wait "$app" 2> /dev/null
}
trap stop_app EXIT
# Asks for a dump and waits for it; copies it (and its PNG) to dump_N.txt / shot_N.png.
dump() {
  n=$((n + 1))
  kill -USR1 "$app"
  for _ in $(seq 1 100); do
    grep -q "^dump: $n$" "$state" 2> /dev/null && break
    sleep 0.05
  done
  grep -q "^dump: $n$" "$state" || fail "no dump $n"
  cp "$state" "$work/dump_$n.txt"
  cp "$state.png" "$work/shot_$n.png" 2> /dev/null
}
field() { sed -n "s/^$1: //p" "$state" | head -1; }
geo() { field timeline-geometry | awk -v k="$1" '{print $(k)}'; }
settle() { sleep "${1:-0.6}"; }
# Dumps until the test "$1" holds, else fails with "$2": a loaded CI machine may take longer than one
# settle to draw the frames that an input needs (keys reach ImGui one change per frame).
wait_for() {
  for _ in $(seq 1 30); do
    eval "$1" && return
    settle 0.3
    dump
  done
  fail "$2"
}

case "$name" in
  timeline)
    start_app "$SAMPLE" kernels
    lx=$(geo 2) ly=$(geo 3) lw=$(geo 4) lh=$(geo 5) ry=$(geo 7)
    cx=$((lx + lw / 2)) cy=$((ly + 40))
    ext=$(field view | awk '{print $2 - $1}')
    # One wheel notch, no further events: the frame reaches the target (no stuck intermediate zoom).
    "$X" mousemove $cx $cy click 4
    settle
    dump
    read -r c0 c1 _ t0 t1 _ < <(field view)
    [ "$c0 $c1" = "$t0 $t1" ] || fail "view $c0 $c1 stops short of its target $t0 $t1"
    [ $((c1 - c0)) -lt "$ext" ] || fail "the wheel did not zoom"
    span1=$((c1 - c0))
    # W three times quickly: three zoom steps of 0.8 each.
    "$X" key --delay 30 w w w
    settle
    dump
    read -r c0 c1 _ < <(field view)
    span2=$((c1 - c0))
    want=$(awk -v s=$span1 'BEGIN{printf "%d", s*0.8*0.8*0.8}')
    d=$((span2 - want))
    [ ${d#-} -le $((want / 100 + 2)) ] || fail "W x3: span $span2, want $want (from $span1)"
    # Drag pans by exactly the distance.
    read -r c0 c1 _ < <(field view)
    "$X" mousemove $cx $cy mousedown 1 sleep 0.1 mousemove $((cx - 50)) $cy sleep 0.1 mousemove $((cx - 100)) $cy \
      sleep 0.1 mouseup 1
    settle
    dump
    read -r p0 p1 _ < <(field view)
    [ "$p0" -gt "$c0" ] || fail "drag left did not move the view later ($c0 -> $p0)"
    # 0 zooms to fit.
    "$X" key 0
    settle
    dump
    read -r c0 c1 _ < <(field view)
    [ $((c1 - c0)) -eq "$ext" ] || fail "0 did not zoom to fit ($((c1 - c0)) of $ext)"
    # Ruler drag: a range; the details pane shows its statistics in front.
    "$X" mousemove $((lx + 100)) $((ry + 10)) mousedown 1 sleep 0.1 mousemove $((lx + 200)) $((ry + 10)) \
      sleep 0.1 mousemove $((lx + 300)) $((ry + 10)) sleep 0.1 mouseup 1
    settle
    dump
    wait_for '[ "$(field range)" != "-" ]' "no range after a ruler drag"
    wait_for 'field details | grep -q "front=range"' "range statistics not in front"
    cp "$work/shot_$n.png" "$work/range.png"
    # Click a slice on the GPU lane area: selected; the details pane shows it at the top.
    "$X" key Escape
    for y in $(seq $((ly + 4)) 6 $((ly + lh - 4))); do
      "$X" mousemove $((lx + 300)) $y click 1
      settle 0.3
      dump
      [ "$(field selected)" != "-" ] && break
    done
    [ "$(field selected)" != "-" ] || fail "no click selected a slice"
    field details | grep -q "front=slice scroll=0" || fail "details not at the top of the new slice"
    # Esc clears.
    "$X" key Escape
    settle
    dump
    wait_for '[ "$(field selected)" = "-" ]' "Esc did not clear the selection"
    ;;
  kernels)
    start_app "$SAMPLE" kernels
    row=$(field kernels | awk '{print $NF}')
    [ "$row" -gt 0 ] || fail "no kernels row position"
    "$X" mousemove 300 "$row" click 1
    settle
    dump
    wait_for '[ "$(field highlights)" = "1 / 36 owner: kernels" ]' "row click: not at 1 / 36"
    [ "$(field selected-rect)" != "-" ] || fail "the kernel reached from the Kernels panel is off-screen"
    "$X" key Return
    settle
    dump
    wait_for '[ "$(field highlights)" = "2 / 36 owner: kernels" ]' "Enter did not move to 2"
    "$X" key Return
    settle
    dump
    wait_for '[ "$(field highlights)" = "3 / 36 owner: kernels" ]' "second Enter did not move to 3"
    [ "$(field selected-rect)" != "-" ] || fail "the walked kernel is off-screen"
    cp "$work/shot_$n.png" "$work/kernels_walk.png"
    # A Python frame deep in the CPU stack: selected and scrolled into view (Launched by / search jumps).
    "$X" mousemove 100 40 click 1
    "$X" type --delay 40 "mxfp4.py(889)"
    "$X" key Return
    settle 1
    dump
    wait_for 'field highlights | grep -q "owner: search"' "search did not take the highlights"
    [ "$(field selected-rect)" != "-" ] || fail "a search match deep in the CPU stack is off-screen"
    cp "$work/shot_$n.png" "$work/search_jump.png"
    ;;
  menus)
    start_app "$SAMPLE" kernels
    read -r _ _ fx vx hx < <(field menu)
    fx=${fx%.*} vx=${vx%.*} hx=${hx%.*}
    # Open File, Esc, then one click on View opens View.
    "$X" mousemove "$fx" 10 click 1
    settle
    dump
    wait_for 'field menu | grep -q "^File"' "File did not open"
    "$X" key Escape
    settle
    dump
    wait_for 'field menu | grep -q "^-"' "Esc did not close the menu"
    "$X" mousemove "$vx" 10 click 1
    settle
    dump
    wait_for 'field menu | grep -q "^View"' "after Esc, one click on View did not open it"
    # View > Zoom to fit is the first item.
    "$X" mousemove $((vx + 10)) 32 click 1
    settle
    dump
    read -r c0 c1 _ t0 t1 _ e0 e1 _ < <(field view)
    [ $((t1 - t0)) -eq $((e1 - e0)) ] || fail "View > Zoom to fit did not fit"
    # A track label under an open menu shows no tooltip.
    "$X" mousemove "$fx" 10 click 1
    settle 0.3
    dump
    wait_for 'field menu | grep -q "^File"' "File menu not open for the tooltip check"
    "$X" mousemove $((fx + 20)) 140
    settle
    dump
    [ "$(field tooltip)" = "-" ] || fail "tooltip over the open menu: $(field tooltip)"
    cp "$work/shot_$n.png" "$work/menu_tooltip.png"
    "$X" key Escape
    # Help > Keyboard shortcuts opens its dialog.
    "$X" mousemove "$hx" 10 click 1
    settle 0.3
    dump
    wait_for 'field menu | grep -q "^Help"' "Help did not open"
    "$X" mousemove $((hx + 10)) 32 click 1
    settle
    dump
    wait_for '[ "$(field shortcuts-dialog)" = "1" ]' "Help > Keyboard shortcuts did not open"
    cp "$work/shot_$n.png" "$work/shortcuts.png"
    ;;
  open)
    start_app "$SAMPLE" kernels
    "$X" key ctrl+o
    settle
    dump
    wait_for '[ "$(field browser)" = "open $(dirname "$SAMPLE")" ]' "the Open dialog did not open in the sample's folder"
    cp "$work/shot_$n.png" "$work/open_dialog.png"
    "$X" key Escape
    stop_app
    # A file that fails to open: not in Open Recent, not in the open trace's Import log.
    start_app "$SAMPLE" import-log
    before=$(grep -c "^import-log:" "$state")
    stop_app
    cat > "$XDG_CONFIG_HOME/hotpath/settings.json" <<JSON
{"window": {"x": 0, "y": 0, "width": 1400, "height": 900}, "recent": []}
JSON
    "$HOTPATH_BIN" "$SAMPLE" --quit-after-frames 40 --simulate-drop "$TEST_DATA/shell/not_a_trace.txt" \
      --dump-state "$state" > "$work/app.txt" 2>&1 || fail "exit $?"
    grep -q "^open-error: .*not_a_trace.txt: unsupported file type" "$state" || fail "no error dialog"
    grep -q "^recent: .*not_a_trace" "$state" && fail "the failed file went to Open Recent"
    [ "$(grep -c "^import-log:" "$state")" = "$before" ] || fail "the failure was added to the trace's Import log"
    ;;
  load)
    # The Load panel on the vLLM log: a drag across a chart sets the ruler's range (every panel
    # follows); a double-click goes back to no range.
    start_app "$TEST_DATA/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz" load
    wait_for 'field load | grep -q " plot "' "the Load panel drew no chart"
    settle 1  # the layout settles (the scroll bar appears) before its geometry is read
    dump
    read -r x0 y0 _ _ < <(field load | sed 's/.* plot //')
    [ "$(field range)" = "-" ] || fail "a range before any drag"
    # Slow steps: a Debug ASan frame can take longer than xdotool's gaps, and a press and release
    # seen in one frame are a click, not a drag.
    "$X" mousemove $((x0 + 40)) $((y0 + 20)) sleep 0.3 mousedown 1 sleep 0.3 mousemove $((x0 + 120)) \
      $((y0 + 22)) sleep 0.3 mousemove $((x0 + 200)) $((y0 + 22)) sleep 0.3 mouseup 1
    settle
    dump
    wait_for '[ "$(field range)" != "-" ]' "no range after a drag across a Load chart"
    wait_for 'field load | grep -q "plot"' "the Load panel did not redraw for the range"
    cp "$work/shot_$n.png" "$work/load_zoom.png"
    # ImGui needs both presses on separate frames within 0.3 s; a slow frame can merge them, so retry.
    for _ in 1 2 3; do
      "$X" mousemove $((x0 + 100)) $((y0 + 40)) click --repeat 2 --delay 150 1
      settle
      dump
      [ "$(field range)" = "-" ] && break
    done
    wait_for '[ "$(field range)" = "-" ]' "a double-click did not go back to no range"
    ;;
  requests)
    # The Requests panel on the vLLM log alone (513 requests): type a filter, a bad one, clear it,
    # click a row (picks the request).
    start_app "$TEST_DATA/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz" requests
    req() { field requests | awk -v k="$1" '{for (i = 1; i < NF; i++) if ($i == k) {print $(i + 1); exit}}'; }
    # Typed keys reach ImGui one change per key per frame (app/input_queue.h): poll until they landed.
    until_requests() {
      for _ in $(seq 1 20); do
        field requests | grep -q "$1" && return
        settle 0.3
        dump
      done
      fail "requests panel never showed '$1': $(field requests)"
    }
    [ "$(req rows)" = 513 ] || fail "requests: $(field requests)"
    read -r fx fy < <(field requests | sed 's/.*filter_at \([0-9]*\) \([0-9]*\).*/\1 \2/')
    "$X" mousemove "$fx" "$fy" click 1
    "$X" type --delay 40 'id ~ 9f4b4540'
    until_requests "rows 1 .*error -"
    "$X" key End
    "$X" key --delay 30 --repeat 20 BackSpace
    until_requests "rows 513 .*error -"
    "$X" type --delay 40 'in_tokens ='
    until_requests "error offset 11: expected a number"
    [ "$(req rows)" = 513 ] || fail "a bad filter changed the rows: $(field requests)"
    cp "$work/shot_$n.png" "$work/requests_error.png"
    "$X" key --delay 30 --repeat 12 BackSpace
    "$X" type --delay 40 'out_tokens == 0'
    until_requests "rows 513 .*error -"
    "$X" mousemove 200 "$(req row0_y)" click 1
    settle
    dump
    [ "$(field pick)" = "request 0" ] || fail "row click picked '$(field pick)'"
    cp "$work/shot_$n.png" "$work/requests_pick.png"
    ;;
  *) fail "unknown test $name" ;;
esac
echo "PASS: $name"

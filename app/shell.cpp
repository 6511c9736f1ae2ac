#include "app/shell.h"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "app/cli_load.h"
#include "app/display.h"
#include "app/fonts.h"
#include "app/input_queue.h"
#include "app/live_publisher.h"
#include "app/png_capture.h"
#include "app/settings.h"
#include "app/view_options.h"
#include "app/workbench.h"
#include "core/analysis/glyph_use.h"

namespace hp {

namespace {

constexpr const char* kFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// Set by any input or window event; the loop redraws a few frames after each.
struct EventFlag {
  bool seen = true;
  Workbench* wb = nullptr;
  KeyEventQueue keys;  // handed to ImGui one change per key per frame
};

// SIGUSR1: write the state dump (and a PNG beside it) after the next frame, for interaction tests.
volatile std::sig_atomic_t g_dump_requested = 0;
extern "C" void on_sigusr1(int) {
  g_dump_requested = 1;
}

EventFlag* flag_of(GLFWwindow* w) {
  return static_cast<EventFlag*>(glfwGetWindowUserPointer(w));
}
void mark(GLFWwindow* w) {
  flag_of(w)->seen = true;
}

void install_event_callbacks(GLFWwindow* w) {
  // Installed before ImGui's backend, which chains to them.
  glfwSetCursorPosCallback(w, [](GLFWwindow* w, double, double) { mark(w); });
  glfwSetMouseButtonCallback(w, [](GLFWwindow* w, int, int, int) { mark(w); });
  glfwSetScrollCallback(w, [](GLFWwindow* w, double, double) { mark(w); });
  glfwSetKeyCallback(w, [](GLFWwindow* w, int, int, int, int) { mark(w); });
  glfwSetCharCallback(w, [](GLFWwindow* w, unsigned) { mark(w); });
  glfwSetCursorEnterCallback(w, [](GLFWwindow* w, int) { mark(w); });
  glfwSetWindowFocusCallback(w, [](GLFWwindow* w, int) { mark(w); });
  glfwSetWindowSizeCallback(w, [](GLFWwindow* w, int, int) { mark(w); });
  glfwSetWindowRefreshCallback(w, [](GLFWwindow* w) { mark(w); });
  glfwSetDropCallback(w, [](GLFWwindow* w, int count, const char** paths) {
    mark(w);
    flag_of(w)->wb->on_drop(std::vector<std::string>(paths, paths + count));
  });
}

// The font atlas, built for the run it was last built for (its glyph ranges come from that run).
struct Fonts {
  float scale = 1.0f;
  std::weak_ptr<const Run> built_for;  // weak: the control block outlives the run, so a new run
                                       // at the old address is still told apart
  bool for_run = false;
  std::vector<uint32_t> used;  // the code points the atlas was built with
};
Fonts g_fonts;

float font_pixels(bool dejavu) {
  return std::round((dejavu ? 15.0f : 13.0f) * g_fonts.scale);
}

void setup_fonts(GLFWwindow* w) {
  float xs = 1.0f, ys = 1.0f;
  glfwGetWindowContentScale(w, &xs, &ys);
  g_fonts.scale = std::clamp(std::max(xs, ys), 1.0f, 4.0f);
  std::error_code ec;
  const bool dejavu = std::filesystem::exists(kFontPath, ec);
  if (!dejavu)
    std::cerr << "hotpath: " << kFontPath
              << " not found (install fonts-dejavu-core); using the built-in font\n";
  build_font_atlas(*ImGui::GetIO().Fonts, font_pixels(dejavu), {});
  g_fonts.built_for.reset();
  g_fonts.used.clear();
  g_fonts.for_run = false;
  ImGui::GetStyle().ScaleAllSizes(g_fonts.scale);
}

// After a run loads, the atlas is rebuilt with the characters its names use (only when they
// differ: a live capture's snapshots seldom add any). Call between the renderer's NewFrame
// (device objects exist) and ImGui::NewFrame (the atlas is not locked).
void refresh_fonts(const std::shared_ptr<const Run>& run) {
  const bool same = g_fonts.for_run == (run != nullptr) && !g_fonts.built_for.owner_before(run) &&
                    !run.owner_before(g_fonts.built_for);
  if (same) return;
  g_fonts.built_for = run;
  g_fonts.for_run = run != nullptr;
  std::vector<uint32_t> used = run ? used_code_points(*run) : std::vector<uint32_t>{};
  if (used == g_fonts.used) return;
  g_fonts.used = std::move(used);
  std::error_code ec;
  build_font_atlas(*ImGui::GetIO().Fonts, font_pixels(std::filesystem::exists(kFontPath, ec)), g_fonts.used);
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
}

void render_frame(GLFWwindow* w, Workbench& wb) {
  if (EventFlag* ev = flag_of(w))
    ev->keys.drain([w](const KeyEvent& e) {
      if (e.codepoint)
        ImGui_ImplGlfw_CharCallback(w, e.codepoint);
      else
        ImGui_ImplGlfw_KeyCallback(w, e.key, e.scancode, e.action, e.mods);
    });
  ImGui_ImplOpenGL3_NewFrame();
  refresh_fonts(wb.run());
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  wb.draw();
  ImGui::Render();
  int fbw = 0, fbh = 0;
  glfwGetFramebufferSize(w, &fbw, &fbh);
  glViewport(0, 0, fbw, fbh);
  glClearColor(0.10f, 0.10f, 0.11f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

bool capture(GLFWwindow* w, const std::string& path, std::string* why,
             std::optional<std::array<float, 4>> area = std::nullopt) {
  int fbw = 0, fbh = 0, ww = 0, wh = 0;
  glfwGetFramebufferSize(w, &fbw, &fbh);
  if (!area) return write_backbuffer_png(path, fbw, fbh, why);
  glfwGetWindowSize(w, &ww, &wh);
  const float sx = ww > 0 ? static_cast<float>(fbw) / static_cast<float>(ww) : 1.0f;
  const float sy = wh > 0 ? static_cast<float>(fbh) / static_cast<float>(wh) : 1.0f;
  const auto& a = *area;
  PixelRect r{static_cast<int>(a[0] * sx), static_cast<int>(a[1] * sy), static_cast<int>(a[2] * sx),
              static_cast<int>(a[3] * sy)};
  return write_backbuffer_png(path, fbw, fbh, why, &r);
}

void dump(const Workbench& wb, const std::string& where) {
  if (where.empty()) return;
  if (where == "-") {
    wb.dump_state(std::cout);
    return;
  }
  // Written aside and renamed: a test polling the file never reads half of it.
  const std::string tmp = where + ".tmp";
  {
    std::ofstream out(tmp);
    wb.dump_state(out);
  }
  std::rename(tmp.c_str(), where.c_str());
}

int screenshot(GLFWwindow* w, Workbench& wb, const ShellOptions& opts) {
  wb.open_now(opts.inputs);
  wb.select_panel(opts.view);
  // A panel of the tab area takes all the height the timeline can spare (settings are not saved here).
  if (opts.view != "timeline") wb.settings().bottom_height = 16384.0f;
  if (wb.run()) apply_view_options(*wb.run(), wb.panels().state(), opts.range, opts.select);
  if (opts.dialog == "export-config") wb.open_export_config();
  std::string why;
  bool ok = false;
  // Four frames settle the layout; a panel that computes its model in the background is waited for.
  for (int frame = 0;; ++frame) {
    glfwPollEvents();
    render_frame(w, wb);
    const bool last = frame >= 3 && !wb.panels().busy();
    if (last)
      ok = capture(w, opts.screenshot_out, &why,
                   opts.panel_only ? std::optional(wb.panel_area()) : std::nullopt);
    glfwSwapBuffers(w);
    if (last) break;
    if (frame >= 3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  dump(wb, opts.dump_state);
  if (!ok) {
    std::cerr << "hotpath: " << why << '\n';
    return 1;
  }
  if (!wb.last_error().empty()) {
    std::cerr << "hotpath: " << wb.last_error() << " (screenshot written to " << opts.screenshot_out << ")\n";
    return 1;
  }
  return 0;
}

int interactive(GLFWwindow* w, Workbench& wb, EventFlag& ev, const ShellOptions& opts) {
  if (!opts.inputs.empty()) wb.open(opts.inputs);
  wb.select_panel(opts.view);
  const auto started = std::chrono::steady_clock::now();
  auto elapsed_s = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  const bool test_mode = opts.quit_after_frames > 0;
  int frames_left = 3, frame_no = 0, dumps = 0;
  bool dropped = false;
  std::optional<std::string> pending_shot;
  if (!opts.dump_state.empty()) std::signal(SIGUSR1, on_sigusr1);
  while (!glfwWindowShouldClose(w) && !wb.quit_requested()) {
    double wait = loop_wait_seconds({frames_left, wb.wants_frames(), wb.loading(), !ev.keys.empty()});
    if (opts.exit_after_s > 0) wait = std::min(wait, std::max(0.0, opts.exit_after_s - elapsed_s()));
    if (wb.live()) wait = std::min(wait, 0.5);  // the capture bar's ages tick without events
    if (test_mode || wait == 0 || g_dump_requested)
      glfwPollEvents();
    else
      glfwWaitEventsTimeout(wait);  // idle: sleep until an event arrives
    if (ev.seen) frames_left = std::max(frames_left, 3);
    ev.seen = false;
    if (wb.poll()) frames_left = std::max(frames_left, 3);
    if (wb.loading() || wb.wants_frames() || !ev.keys.empty() || g_dump_requested)
      frames_left = std::max(frames_left, 1);
    if (glfwGetWindowAttrib(w, GLFW_ICONIFIED)) frames_left = 0;
    if (frames_left == 0 && !test_mode) continue;
    render_frame(w, wb);
    frames_left = std::max(0, frames_left - 1);
    ++frame_no;
    if (pending_shot) {
      std::string why;
      bool ok = capture(w, *pending_shot, &why, wb.screenshot_area());
      wb.set_screenshot_result(ok ? "Saved screenshot to " + *pending_shot : why, ok);
      pending_shot.reset();
      frames_left = std::max(frames_left, 2);
    }
    if (auto req = wb.take_screenshot_request()) {
      pending_shot = std::move(req);  // captured after the next frame, once the dialog is gone
      frames_left = std::max(frames_left, 2);
    }
    if (g_dump_requested && !wb.loading()) {
      g_dump_requested = 0;
      wb.set_dump_serial(++dumps);
      std::string why;
      if (!capture(w, opts.dump_state + ".png", &why)) std::cerr << "hotpath: " << why << '\n';
      dump(wb, opts.dump_state);
    }
    glfwSwapBuffers(w);
    if (!dropped && !opts.simulate_drop.empty() && !wb.loading()) {  // once the inputs have loaded
      dropped = true;
      wb.on_drop({opts.simulate_drop});
    }
    if (test_mode && frame_no >= opts.quit_after_frames && !wb.loading()) break;
    if (opts.exit_after_s > 0 && elapsed_s() >= opts.exit_after_s && !wb.panels().busy()) {
      if (!opts.exit_screenshot.empty()) {
        render_frame(w, wb);
        std::string why;
        if (!capture(w, opts.exit_screenshot, &why)) std::cerr << "hotpath: " << why << '\n';
        glfwSwapBuffers(w);
      }
      break;
    }
  }
  dump(wb, opts.dump_state);
  return 0;
}

}  // namespace

int run_shell(const ShellOptions& opts) {
  std::string why;
  if (!init_display(&why)) {
    std::cerr << "hotpath: " << why << '\n';
    return 1;
  }
  const bool shot = !opts.screenshot_out.empty();
  const std::filesystem::path cfg = config_dir();
  const std::filesystem::path settings_file = cfg.empty() ? cfg : cfg / "settings.json";
  Settings settings;
  if (!shot && !settings_file.empty()) {
    std::string err;
    settings = load_settings(settings_file, &err);
    if (!err.empty()) std::cerr << "hotpath: " << err << '\n';
  }
  const int width = opts.width > 0 ? opts.width : settings.window_width;
  const int height = opts.height > 0 ? opts.height : settings.window_height;
  GLFWwindow* w = create_gl_window(width, height, "hotpath", /*visible=*/!shot, &why);
  if (!w) {
    std::cerr << "hotpath: " << why << '\n';
    glfwTerminate();
    return 1;
  }
  if (!shot && settings.window_x >= 0 && settings.window_y >= 0)
    glfwSetWindowPos(w, settings.window_x, settings.window_y);
  if (!shot && settings.maximized) glfwMaximizeWindow(w);
  glfwSwapInterval(1);

  int rc = 0;
  {
    Workbench wb(settings, [] { glfwPostEmptyEvent(); });
    if (opts.live_publisher) {
      opts.live_publisher->set_wake([] { glfwPostEmptyEvent(); });
      wb.attach_live(opts.live_publisher, opts.live_session);
    }
    if (!opts.rules.empty()) wb.panels().use_categorizer(load_cli_categorizer(opts.rules));
    wb.panels().set_slo(opts.slo);
    EventFlag ev;
    ev.wb = &wb;
    glfwSetWindowUserPointer(w, &ev);
    install_event_callbacks(w);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    const std::string ini = (shot || cfg.empty()) ? std::string() : (cfg / "imgui.ini").string();
    io.IniFilename = ini.empty() ? nullptr : ini.c_str();
    ImGui::StyleColorsDark();
    apply_workbench_style();
    setup_fonts(w);
    ImGui_ImplGlfw_InitForOpenGL(w, /*install_callbacks=*/true);
    // Keys go through the queue (app/input_queue.h); ImGui's own handler applies them per frame.
    glfwSetKeyCallback(w, [](GLFWwindow* w, int key, int scancode, int action, int mods) {
      mark(w);
      flag_of(w)->keys.push({key, scancode, action, mods});
    });
    glfwSetCharCallback(w, [](GLFWwindow* w, unsigned codepoint) {  // in order with the keys
      mark(w);
      flag_of(w)->keys.push({0, 0, 0, 0, codepoint});
    });
    ImGui_ImplOpenGL3_Init("#version 330");
    wb.set_renderer_info(gl_description());

    rc = shot ? screenshot(w, wb, opts) : interactive(w, wb, ev, opts);

    if (!shot && !settings_file.empty()) {
      Settings& s = wb.settings();
      s.maximized = glfwGetWindowAttrib(w, GLFW_MAXIMIZED) == GLFW_TRUE;
      if (!s.maximized) {
        glfwGetWindowPos(w, &s.window_x, &s.window_y);
        glfwGetWindowSize(w, &s.window_width, &s.window_height);
      }
      std::string err;
      if (!save_settings(s, settings_file, &err)) std::cerr << "hotpath: " << err << '\n';
    }
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
  }
  glfwDestroyWindow(w);
  glfwTerminate();
  return rc;
}

}  // namespace hp

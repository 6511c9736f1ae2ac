#include "app/workbench.h"

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cstdlib>

#include "app/dir_listing.h"
#include "app/panel_registry.h"
#include "app/summary_text.h"
#include "core/util/time_format.h"
#include "views/import_log_panel.h"
#include "views/shortcuts.h"

namespace hp {

const std::vector<std::string>& supported_extensions() {
  static const std::vector<std::string> kExt = {".json",    ".json.gz", ".json.zst", ".sqlite", ".nsys-rep",
                                                ".hotpath", ".log",     ".log.gz",   ".prom",   ".db"};
  return kExt;
}

namespace {

constexpr float kSplitterThickness = 6.0f;
constexpr float kMinPane = 60.0f;

std::string join_names(const std::vector<std::filesystem::path>& paths) {
  std::string out;
  for (const auto& p : paths) {
    if (!out.empty()) out += ", ";
    out += p.filename().string();
  }
  return out;
}

}  // namespace

void apply_workbench_style() {
  ImGuiStyle& st = ImGui::GetStyle();
  for (ImGuiCol c : {ImGuiCol_WindowBg, ImGuiCol_PopupBg, ImGuiCol_ChildBg, ImGuiCol_MenuBarBg})
    if (st.Colors[c].w > 0) st.Colors[c].w = 1.0f;
  st.Colors[ImGuiCol_ModalWindowDimBg].w = std::max(st.Colors[ImGuiCol_ModalWindowDimBg].w, 0.5f);
}

Workbench::Workbench(Settings settings, std::function<void()> wake)
    : settings_(std::move(settings)), loader_(wake), summary_(summary_text(nullptr)) {
  host_.set_wake(std::move(wake));
  browser_.extensions = supported_extensions();
  if (find_panel_entry(settings_.active_panel)) select_next_ = settings_.active_panel;
}

void Workbench::apply_clock_shift() {
  auto req = std::move(host_.state().clock_shift_request);
  host_.state().clock_shift_request.reset();
  if (!req || run_inputs_.empty()) return;
  shifts_[req->first] = req->second;
  // A run file keeps the shift (meta clock.shift_ns.<source>), so it reopens shifted.
  if (run_inputs_.size() == 1 && run_inputs_.front().extension() == ".hotpath") {
    try {
      save_clock_shift(run_inputs_.front(), req->first, req->second);
    } catch (const std::exception& e) {
      last_error_ = fmt::format("could not save the clock shift: {}", e.what());
    }
  }
  notice_ = fmt::format("Shifting {} by {}...", req->first, format_duration(req->second, 3));
  reopening_ = true;
  loader_.start(run_inputs_, shifts_);
}

void Workbench::open(std::vector<std::filesystem::path> inputs) {
  if (inputs.empty()) return;
  shifts_.clear();
  notice_ = "Loading " + join_names(inputs) + "...";
  loader_.start(std::move(inputs));
}

void Workbench::open_now(std::vector<std::filesystem::path> inputs) {
  LoadProgress progress;
  apply(load_now(inputs, progress));
}

void Workbench::on_drop(const std::vector<std::string>& paths) {
  std::vector<std::filesystem::path> inputs(paths.begin(), paths.end());
  open(std::move(inputs));
}

bool Workbench::poll() {
  if (poll_live()) return true;
  auto done = loader_.take();
  if (!done) return false;
  apply(std::move(*done));
  return true;
}

void Workbench::apply(LoadOutcome outcome) {
  if (outcome.run) {
    // Open Recent lists files that opened, not every file tried.
    for (const auto& p : outcome.inputs) {
      std::error_code ec;
      auto abs = std::filesystem::absolute(p, ec);
      settings_.add_recent(ec ? p.string() : abs.lexically_normal().string());
    }
    run_ = std::move(outcome.run);
    snap_ = std::move(outcome.snapshot);
    run_inputs_ = outcome.inputs;
    failures_ = ImportLog{};
    last_error_.clear();
    notice_ = fmt::format("Loaded {} in {:.2f} s", join_names(outcome.inputs), outcome.seconds);
    summary_ = summary_text(snap_.session.get());
    host_.set_snapshot(snap_, reopening_);
    reopening_ = false;
  } else if (outcome.error) {
    const LogEntry& e = *outcome.error;
    last_error_ = fmt::format("{}: {}", e.file, e.message);
    notice_.clear();
    if (run_) {
      open_error_ = last_error_;  // the open trace's Import log stays the trace's own
    } else {
      failures_.add(e.severity, e.code, e.file, e.offset, e.message);
      select_panel("import-log");
    }
  }
  rebuild_log();
}

void Workbench::rebuild_log() {
  shown_log_ = ImportLog{};
  if (run_) shown_log_.merge(run_->log);
  if (snap_)
    for (const std::string& w : snap_.session->warnings)
      shown_log_.add(Severity::Warning, "session.clock", "", 0, w);
  shown_log_.merge(failures_);
}

std::optional<std::string> Workbench::take_screenshot_request() {
  auto r = std::move(screenshot_request_);
  screenshot_request_.reset();
  return r;
}

void Workbench::set_screenshot_result(const std::string& message, bool ok) {
  if (ok) {
    notice_ = message;
  } else {
    last_error_ = message;
  }
}

bool Workbench::select_panel(std::string_view key) {
  if (!find_panel_entry(key)) return false;
  settings_.panels[std::string(key)] = true;
  select_next_ = std::string(key);
  return true;
}

std::string Workbench::status_text() const {
  std::string s;
  if (run_) {
    s = fmt::format("{} | {} slices, {} tracks, {} sources", join_names(run_inputs_), run_->slices.size(),
                    run_->tracks.size(), run_->sources.size());
    if (snap_ && snap_.session->has_serving())
      s += fmt::format(", {} requests, {} series, {} iterations", snap_.session->requests.size(),
                       snap_.session->series.size(), snap_.session->iterations.size());
  } else {
    s = "No file loaded";
  }
  if (loading()) s += " | " + notice_;
  if (!last_error_.empty()) s += " | error: " + last_error_;
  return s;
}

void Workbench::dump_state(std::ostream& out) const {
  out << "status: " << status_text() << '\n';
  if (run_) out << host_.frame_summary() << '\n';
  for (const auto& e : shown_log_.entries())
    out << "import-log: " << severity_label(e.severity) << '\t' << e.code << '\t' << e.file << '\t'
        << e.offset << '\t' << e.message << '\n';
  out << "dump: " << dump_serial_ << '\n';
  out << "panel: " << settings_.active_panel << '\n';
  out << "menu: " << (open_menu_.empty() ? "-" : open_menu_) << " titles " << menu_x_[0] << ' ' << menu_x_[1]
      << ' ' << menu_x_[2] << '\n';
  out << "browser: " << (browser_.open ? "open " + browser_.dir : std::string("closed")) << '\n';
  out << "open-error: " << (open_error_.empty() ? "-" : open_error_) << '\n';
  for (const auto& r : settings_.recent) out << "recent: " << r << '\n';
  out << "shortcuts-dialog: " << (shortcuts_open_ ? 1 : 0) << '\n';
  if (live_pub_)
    out << "live: snapshots=" << live_snapshots_ << " follow=" << (host_.state().follow_live ? 1 : 0)
        << " requests=" << (snap_ ? snap_.session->requests.size() : 0) << '\n';
  out << host_.state_lines();
}

std::string Workbench::open_dialog_dir() const {
  std::error_code ec;
  if (!run_inputs_.empty()) {
    auto abs = std::filesystem::absolute(run_inputs_.front(), ec).lexically_normal();
    if (!ec && abs.has_parent_path()) return abs.parent_path().string();
  }
  if (!settings_.last_dir.empty() && std::filesystem::is_directory(settings_.last_dir, ec))
    return settings_.last_dir;
  return std::filesystem::current_path(ec).string();
}

void Workbench::zoom_to_fit() {
  ViewState& vs = host_.state();
  vs.view.zoom_to(vs.view.extent());
  vs.scroll_y = 0;
}

void Workbench::list_browser_dir() {
  list_directory(browser_);
  if (!browser_.chosen.empty()) {
    std::string chosen = std::move(browser_.chosen);
    browser_.chosen.clear();
    browser_.open = false;
    settings_.last_dir = browser_.dir;
    open({chosen});
  }
}

void Workbench::draw() {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.KeyCtrl && ImGui::IsKeyPressed('O', false)) browser_.open_at(open_dialog_dir());
  if (io.KeyCtrl && ImGui::IsKeyPressed('Q', false)) quit_ = true;
  draw_menu_bar();
  const float top = ImGui::GetFrameHeight();
  const TimeWindow before = host_.state().view.target();
  draw_workspace(top + draw_live_bar(top));
  // Follow stops when the user moves the view (a snapshot moves it in poll(), not while drawing).
  if (host_.state().follow_live && !(host_.state().view.target() == before))
    host_.state().follow_live = false;
  draw_modals();
  if (host_.state().clock_shift_request) apply_clock_shift();
}

void Workbench::draw_menu_bar() {
  // Esc closes an open menu (ImGui 1.86 does so only with keyboard navigation on), giving the focus
  // back to the window that had it, so that the next click on a menu title opens that menu.
  if (!open_menu_.empty() && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false))
    ImGui::ClosePopupToLevel(0, /*restore_focus_to_window_under_popup=*/true);
  open_menu_.clear();
  if (!ImGui::BeginMainMenuBar()) return;
  const auto title_x = [] { return (ImGui::GetItemRectMin().x + ImGui::GetItemRectMax().x) / 2; };
  const bool file = ImGui::BeginMenu("File");
  if (!file) menu_x_[0] = title_x();  // once open, the last item is the popup's
  if (file) {
    open_menu_ = "File";
    if (ImGui::MenuItem("Open...", "Ctrl+O")) browser_.open_at(open_dialog_dir());
    if (ImGui::BeginMenu("Open Recent", !settings_.recent.empty())) {
      std::string pick;
      for (const auto& r : settings_.recent)
        if (ImGui::MenuItem(r.c_str())) pick = r;
      ImGui::Separator();
      if (ImGui::MenuItem("Clear list")) settings_.recent.clear();
      ImGui::EndMenu();
      if (!pick.empty()) open({pick});
    }
    ImGui::Separator();
    if (ImGui::MenuItem("Export screenshot...")) {
      const char* home = std::getenv("HOME");
      export_path_ = std::string(home ? home : ".") + "/hotpath-screenshot.png";
      show_export_ = true;
    }
    if (ImGui::MenuItem("Export config...", nullptr, false, snap_.session != nullptr)) open_export_config();
    ImGui::Separator();
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) quit_ = true;
    ImGui::EndMenu();
  }
  const bool view = ImGui::BeginMenu("View");
  if (!view) menu_x_[1] = title_x();
  if (view) {
    open_menu_ = "View";
    if (ImGui::MenuItem("Zoom to fit", "0", false, run_ != nullptr)) zoom_to_fit();
    ImGui::Separator();
    for (const auto& p : host_.panels()) {
      bool open = settings_.panel_open(p->key());
      if (ImGui::MenuItem(p->title().c_str(), nullptr, &open)) {
        settings_.panels[p->key()] = open;
        if (open) select_next_ = p->key();
      }
    }
    ImGui::EndMenu();
  }
  const bool help = ImGui::BeginMenu("Help");
  if (!help) menu_x_[2] = title_x();
  if (help) {
    open_menu_ = "Help";
    if (ImGui::MenuItem("Keyboard shortcuts")) show_shortcuts_ = true;
    if (ImGui::MenuItem("About")) show_about_ = true;
    ImGui::EndMenu();
  }
  ImGui::EndMainMenuBar();
}

void Workbench::draw_workspace(float top) {
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, top));
  ImGui::SetNextWindowSize(ImVec2(io.DisplaySize.x, std::max(1.0f, io.DisplaySize.y - top)));
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.0f);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::Begin("##workspace", nullptr, flags);
  ImGui::PopStyleVar(2);  // ItemSpacing stays 0 so that the panes add up to the window height

  const float status_h = ImGui::GetFrameHeight() + 4.0f;
  const float avail = ImGui::GetContentRegionAvail().y - status_h;
  const bool main_open = settings_.panel_open("timeline");
  bool any_bottom = false;
  for (const auto& p : host_.panels())
    if (p->key() != "timeline" && settings_.panel_open(p->key())) any_bottom = true;

  float main_h = avail, bottom_h = 0;
  if (main_open && any_bottom) {
    // The timeline keeps at least 40% of a small window (it lost all its height to the panels).
    const float min_main = std::max(kMinPane, std::min(260.0f, avail * 0.4f));
    const float max_bottom = std::max(kMinPane, avail - kSplitterThickness - min_main);
    bottom_h = std::clamp(settings_.bottom_height, kMinPane, max_bottom);
    main_h = std::max(1.0f, avail - kSplitterThickness - bottom_h);
  } else if (any_bottom) {
    main_h = 0;
    bottom_h = avail;
  }
  if (main_h > 0) {
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(8, 8));
    ImGui::BeginChild("##main", ImVec2(0, main_h), false, ImGuiWindowFlags_AlwaysUseWindowPadding);
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(8, 4));
    main_rect_ = {ImGui::GetWindowPos().x, ImGui::GetWindowPos().y, ImGui::GetWindowSize().x,
                  ImGui::GetWindowSize().y};
    draw_main_area();
    ImGui::PopStyleVar();
    ImGui::EndChild();
    ImGui::PopStyleVar();
  }
  if (main_open && any_bottom) {
    // Splitter: drag to move the boundary between the main area and the bottom panels.
    ImGui::InvisibleButton("##splitter", ImVec2(-1, kSplitterThickness));
    const bool active = ImGui::IsItemActive(), hovered = ImGui::IsItemHovered();
    if (ImGui::IsItemActivated()) splitter_grab_ = settings_.bottom_height = bottom_h;
    if (active)
      settings_.bottom_height = splitter_grab_ - ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 0.0f).y;
    if (active || hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeNS);
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    ImGui::GetWindowDrawList()->AddRectFilled(a, b,
                                              ImGui::GetColorU32(active    ? ImGuiCol_SeparatorActive
                                                                 : hovered ? ImGuiCol_SeparatorHovered
                                                                           : ImGuiCol_Separator));
  }
  if (bottom_h > 0) {
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(6, 4));
    ImGui::BeginChild("##bottom", ImVec2(0, bottom_h), false, ImGuiWindowFlags_AlwaysUseWindowPadding);
    ImGui::PopStyleVar();
    draw_bottom_tabs();
    ImGui::EndChild();
  }
  draw_status_bar();
  ImGui::End();
  ImGui::PopStyleVar();  // ItemSpacing
}

void Workbench::draw_main_area() {
  if (run_) {
    PanelContext ctx{host_.state(), ImGui::GetIO().DeltaTime};
    host_.find("timeline")->draw(ctx);
    return;
  }
  ImGui::TextDisabled("Timeline");
  ImGui::SameLine();
  ImGui::TextDisabled("Open a trace (File > Open..., or drop a file on the window) to see its timeline.");
  ImGui::Separator();
  ImGui::Spacing();
  ImGui::TextUnformatted(summary_.data(), summary_.data() + summary_.size());
}

void Workbench::draw_bottom_tabs() {
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(8, 4));
  if (ImGui::BeginTabBar("##panels", ImGuiTabBarFlags_Reorderable | ImGuiTabBarFlags_FittingPolicyScroll)) {
    for (const auto& p : host_.panels()) {
      if (p->key() == "timeline") continue;
      const std::string& key = p->key();
      if (!settings_.panel_open(key)) continue;
      std::string label = p->title();
      if (key == "import-log" && !shown_log_.empty())
        label += fmt::format(" ({})", shown_log_.entries().size());
      label += "###" + key;
      bool open = true;
      ImGuiTabItemFlags tf = select_next_ == key ? ImGuiTabItemFlags_SetSelected : 0;
      if (ImGui::BeginTabItem(label.c_str(), &open, tf)) {
        if (!select_next_) settings_.active_panel = key;
        ImGui::BeginChild(("##panel_" + key).c_str(), ImVec2(0, 0), false);
        panel_rect_ = {ImGui::GetWindowPos().x, ImGui::GetWindowPos().y, ImGui::GetWindowSize().x,
                       ImGui::GetWindowSize().y};
        PanelContext ctx{host_.state(), ImGui::GetIO().DeltaTime};
        p->draw(ctx);
        ImGui::EndChild();
        ImGui::EndTabItem();
      }
      if (!open) settings_.panels[key] = false;
    }
    ImGui::EndTabBar();
  }
  ImGui::PopStyleVar();
  if (select_next_) {
    settings_.active_panel = *select_next_;
    select_next_.reset();
  }
}

void Workbench::draw_status_bar() {
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(8, 2));
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::GetColorU32(ImGuiCol_MenuBarBg));
  ImGui::BeginChild("##status", ImVec2(0, 0), false,
                    ImGuiWindowFlags_AlwaysUseWindowPadding | ImGuiWindowFlags_NoScrollbar);
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(12, 0));
  if (run_) {
    ImGui::Text("%s", join_names(run_inputs_).c_str());
    const bool trace = !run_->sources.empty() || !snap_ || !snap_.session->has_serving();
    if (trace) {
      ImGui::SameLine();
      ImGui::TextDisabled("%zu slices, %zu tracks, %zu sources, %llu warnings", run_->slices.size(),
                          run_->tracks.size(), run_->sources.size(),
                          static_cast<unsigned long long>(run_->log.count(Severity::Warning)));
    }
    if (snap_ && snap_.session->has_serving()) {
      ImGui::SameLine();
      ImGui::TextDisabled("%s%zu requests, %zu series, %zu iterations", trace ? "· " : "",
                          snap_.session->requests.size(), snap_.session->series.size(),
                          snap_.session->iterations.size());
    }
  } else {
    ImGui::TextDisabled("No file loaded");
  }
  if (loading()) {
    ImGui::SameLine();
    const double f = loader_.progress().fraction();
    std::string overlay =
        loader_.progress().total.load() ? fmt::format("Loading {:.0f}%", f * 100) : "Loading...";
    ImGui::ProgressBar(static_cast<float>(f), ImVec2(200, ImGui::GetTextLineHeight()), overlay.c_str());
  } else if (!notice_.empty() && last_error_.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("| %s", notice_.c_str());
  }
  if (!last_error_.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(0.95f, 0.35f, 0.35f, 1.0f), "Error: %s", last_error_.c_str());
  }
  ImGui::PopStyleVar();
  ImGui::EndChild();
  ImGui::PopStyleColor();
  ImGui::PopStyleVar();
}

void Workbench::open_export_config() {
  const PanelServices& ps = host_.services();
  const char* home = std::getenv("HOME");
  export_config_ =
      export_config_dialog(snap_.session.get(), {ps.whatif_prefill, ps.whatif_decode, ps.whatif_tp},
                           std::string(home ? home : ".") + "/hotpath-configs");
  export_config_.open = true;
}

void Workbench::draw_modals() {
  if (browser_.open && browser_.needs_listing) list_browser_dir();
  if (draw_file_browser(browser_)) {
    std::string chosen = std::move(browser_.chosen);
    browser_.chosen.clear();
    open({chosen});
  }
  if (browser_.open && browser_.needs_listing) list_browser_dir();

  if (show_shortcuts_) ImGui::OpenPopup("Keyboard shortcuts");
  show_shortcuts_ = false;
  shortcuts_open_ = false;
  if (ImGui::BeginPopupModal("Keyboard shortcuts", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    shortcuts_open_ = true;
    if (ImGui::BeginTable("##keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
      for (const Shortcut& k : workbench_shortcuts()) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(k.action.c_str());
        ImGui::TableNextColumn();
        ImGui::TextDisabled("%s", k.how.c_str());
      }
      ImGui::EndTable();
    }
    if (ImGui::Button("Close") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)))
      ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  if (!open_error_.empty() && !ImGui::IsPopupOpen("Could not open")) ImGui::OpenPopup("Could not open");
  if (ImGui::BeginPopupModal("Could not open", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted(open_error_.c_str());
    ImGui::TextDisabled("The open trace is unchanged.");
    if (ImGui::Button("OK") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
      open_error_.clear();
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
  if (show_about_) ImGui::OpenPopup("About hotpath");
  show_about_ = false;
  if (ImGui::BeginPopupModal("About hotpath", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::Text("hotpath %s", HOTPATH_VERSION);
    ImGui::TextDisabled("A profiling workbench for LLM inference servers.");
    ImGui::Text("Dear ImGui %s", IMGUI_VERSION);
    if (!renderer_info_.empty()) ImGui::Text("%s", renderer_info_.c_str());
    if (ImGui::Button("Close") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)))
      ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  draw_export_config_dialog(export_config_);
  if (show_export_) ImGui::OpenPopup("Export screenshot");
  show_export_ = false;
  if (ImGui::BeginPopupModal("Export screenshot", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::Text("Save a PNG of");
    ImGui::SameLine();
    ImGui::RadioButton("the window", &export_area_, 0);
    ImGui::SameLine();
    ImGui::RadioButton(("the " + settings_.active_panel + " panel").c_str(), &export_area_, 1);
    ImGui::SameLine();
    ImGui::RadioButton("the timeline area", &export_area_, 2);
    ImGui::Text("to:");
    ImGui::SetNextItemWidth(480);
    bool enter = ImGui::InputText("##shot_path", &export_path_, ImGuiInputTextFlags_EnterReturnsTrue);
    if (ImGui::Button("Save") || enter) {
      screenshot_request_ = export_path_;
      screenshot_area_.reset();
      if (export_area_ == 1) screenshot_area_ = panel_rect_;
      if (export_area_ == 2) screenshot_area_ = main_rect_;
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
}

}  // namespace hp

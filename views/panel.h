#pragma once
// The panel contract (after ImHex's View): every panel of the workbench is one class with a key
// (CLI and settings name), a title, on_session() for each new snapshot, draw() for each frame and
// wants_frames() while it animates (busy() while its model is computed on a worker). The app lists them in
// one registry (app/panel_registry.h) and holds no switch over panels. on_session(…, same_document = true) is
// a live update of the document already shown: keep the view window, selection, search and scroll.
#include <string>
#include <string_view>

#include "core/session/snapshot.h"
#include "views/view_state.h"

namespace hp {

struct PanelContext {
  ViewState& vs;  // the shared time cursor and selection
  float dt = 0;   // seconds since the last frame
};

class Panel {
 public:
  Panel(std::string_view key, std::string_view title) : key_(key), title_(title) {}
  virtual ~Panel() = default;
  Panel(const Panel&) = delete;
  Panel& operator=(const Panel&) = delete;

  const std::string& key() const { return key_; }
  const std::string& title() const { return title_; }
  virtual void on_session(const Snapshot& snap, bool same_document) = 0;
  virtual void draw(PanelContext& ctx) = 0;
  virtual bool wants_frames() const { return false; }
  // Computing its model in the background (a screenshot waits until it is done).
  virtual bool busy() const { return false; }
  // "key: value" lines for the state dump that interaction tests read (empty: nothing to say).
  virtual std::string dump_state() const { return {}; }

 private:
  std::string key_, title_;
};

}  // namespace hp

#pragma once
// Credential redaction for text we keep from traces (metadata JSON, event args). Pure functions.
// A value is redacted when its key looks like a credential (HF_TOKEN, *_API_KEY, *_TOKEN, *SECRET*,
// *PASSWORD*, case-insensitive), or when it contains a Hugging Face token (hf_ + 20 or more
// alphanumerics). The replacement text is "<redacted>".
#include <string>
#include <string_view>
#include <vector>

namespace hp {

inline constexpr std::string_view kRedacted = "<redacted>";

bool is_sensitive_key(std::string_view key);
// True when `s` contains hf_[A-Za-z0-9]{20,}.
bool contains_hf_token(std::string_view s);
// Replaces every hf_ token in `s` with <redacted>; returns how many were replaced.
size_t redact_hf_tokens(std::string& s);

// Redacts a JSON text: values of sensitive keys, "KEY=value" pairs with a sensitive KEY inside
// strings (environment lists), and hf_ tokens anywhere. `what` receives one entry per redaction
// (the key name, or "hf_token"). Invalid JSON is handled best-effort (text outside strings is kept).
std::string redact_json(std::string_view json, std::vector<std::string>* what = nullptr);

}  // namespace hp

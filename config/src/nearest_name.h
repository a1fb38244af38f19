// "Did you mean ...?" for misspelt names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bytestore::config {

// The candidate closest to `name` by edit distance, if it is close enough
// to be a plausible misspelling; otherwise empty.
std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace bytestore::config

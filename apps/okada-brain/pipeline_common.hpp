#pragma once
// What the training pipelines (`okada brain train recs|forecast`, evaluate, promote, list) share: the registry's
// location, run ids, number and text formatting for the JSON summaries and the HTML reports, a bar chart.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "cli.hpp"

namespace okada::brain {

std::string Fixed(double v, int decimals = 4);
std::string Rfc3339(std::int64_t unix_seconds);
std::string JsonString(const std::string& s);
std::string Html(const std::string& s);
/// --registry DIR, else $OKADA_BRAIN_REGISTRY, else $OKADA_STATE_DIR/brain/registry; throws std::invalid_argument.
std::filesystem::path RegistryDir(const cli::Args& a);
/// "<model>-<UTC time>-<pid>", safe as a directory name.
std::string RunId(const std::string& model);
/// A progress line on stderr: "okada brain: <line>".
void Say(const std::string& line);
/// A grouped bar chart (SVG): one group per metric, one bar per series.
std::string BarChart(const std::string& title, const std::vector<std::string>& groups,
                     const std::vector<std::pair<std::string, std::vector<double>>>& series);

}  // namespace okada::brain

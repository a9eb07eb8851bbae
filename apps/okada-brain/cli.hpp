#pragma once
// Option parsing shared by okada-brain's commands: `--name value` and `--name=value`, flags without a value,
// `--help`; errors printed as "okada brain <command>: <reason> (see okada brain <command> --help)".

#include <map>
#include <set>
#include <string>
#include <vector>

namespace okada::brain::cli {

struct Args {
  std::map<std::string, std::string> values;
  std::set<std::string> flags;
  bool help = false;

  bool Has(const std::string& name) const { return values.count(name) > 0; }
  bool Flag(const std::string& name) const { return flags.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const {
    auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
  }
};

// Prints the usage error for `command` (e.g. "eta train") and returns 2, the usage-error exit status.
int Usage(const std::string& command, const std::string& message);

// Parses argv[first..]. `options` take a value, `flags` do not. Returns false after printing a usage error.
bool Parse(const std::string& command, int argc, char** argv, int first, const std::vector<std::string>& options,
           const std::vector<std::string>& flags, Args& out);

// An integer option in [lo, hi] (kept as `out` when absent). False after printing a usage error.
bool Int(const std::map<std::string, std::string>& values, const std::string& command, const std::string& name,
         long long lo, long long hi, long long& out);
// A finite real option in [lo, hi]. False after printing a usage error.
bool Real(const std::map<std::string, std::string>& values, const std::string& command, const std::string& name,
          double lo, double hi, double& out);

}  // namespace okada::brain::cli

#include "cli.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>

namespace okada::brain::cli {

int Usage(const std::string& command, const std::string& message) {
  std::cerr << "okada brain " << command << ": " << message << " (see okada brain " << command << " --help)\n";
  return 2;
}

bool Parse(const std::string& command, int argc, char** argv, int first, const std::vector<std::string>& options,
           const std::vector<std::string>& flags, Args& out) {
  for (int i = first; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      out.help = true;
      continue;
    }
    if (std::find(flags.begin(), flags.end(), arg) != flags.end()) {
      out.flags.insert(arg);
      continue;
    }
    std::string name = arg, value;
    bool has_value = false;
    if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    if (std::find(options.begin(), options.end(), name) == options.end()) {
      Usage(command, "unknown option '" + arg + "'");
      return false;
    }
    if (!has_value) {
      if (i + 1 >= argc) {
        Usage(command, "option " + name + " needs a value");
        return false;
      }
      value = argv[++i];
    }
    out.values[name] = value;
  }
  return true;
}

bool Int(const std::map<std::string, std::string>& values, const std::string& command, const std::string& name,
         long long lo, long long hi, long long& out) {
  const auto it = values.find(name);
  if (it == values.end()) return true;
  const std::string& text = it->second;
  const bool digits = !text.empty() && text.size() <= 18 && text.find_first_not_of("0123456789") == std::string::npos;
  const long long v = digits ? std::strtoll(text.c_str(), nullptr, 10) : 0;
  if (!digits || v < lo || v > hi) {
    Usage(command, name + " must be a whole number in " + std::to_string(lo) + "-" + std::to_string(hi) + ", got '" +
                       text + "'");
    return false;
  }
  out = v;
  return true;
}

bool Real(const std::map<std::string, std::string>& values, const std::string& command, const std::string& name,
          double lo, double hi, double& out) {
  const auto it = values.find(name);
  if (it == values.end()) return true;
  const std::string& text = it->second;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || !end || *end != '\0' || errno != 0 || !std::isfinite(v) || v < lo || v > hi) {
    Usage(command,
          name + " must be a number in " + std::to_string(lo) + "-" + std::to_string(hi) + ", got '" + text + "'");
    return false;
  }
  out = v;
  return true;
}

}  // namespace okada::brain::cli

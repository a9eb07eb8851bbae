#include "okada/brain/routing/problem.hpp"

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace okada::brain::routing {
namespace {

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    // The shared instances use CRLF line ends.
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    out.push_back(std::move(line));
    start = end + 1;
  }
  return out;
}

bool Blank(const std::string& line) { return line.find_first_not_of(" \t") == std::string::npos; }

std::vector<double> Numbers(const std::string& line, const std::string& where) {
  std::istringstream in(line);
  std::vector<double> out;
  std::string token;
  while (in >> token) {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(token, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != token.size()) throw std::runtime_error(where + ": '" + token + "' is not a number");
    out.push_back(v);
  }
  return out;
}

int AsInt(double v, const std::string& where) {
  if (v != std::floor(v) || std::fabs(v) > 1e9) throw std::runtime_error(where + ": expected an integer");
  return static_cast<int>(v);
}

// The first seven fields are the same in both formats: id, x, y, demand, earliest, latest, service.
Node NodeFromFields(const std::vector<double>& v, const std::string& where) {
  Node node;
  node.id = AsInt(v[0], where);
  node.x = v[1];
  node.y = v[2];
  node.demand = AsInt(v[3], where);
  node.earliest = v[4];
  node.latest = v[5];
  node.service = v[6];
  if (node.latest < node.earliest) throw std::runtime_error(where + ": time window closes before it opens");
  return node;
}

}  // namespace

Format ParseFormat(std::string_view text) {
  if (text == "lilim") return Format::kLiLim;
  if (text == "solomon") return Format::kSolomon;
  throw std::invalid_argument("unknown format '" + std::string(text) + "' (expected lilim or solomon)");
}

Problem::Problem(std::string name, int vehicles, int capacity, std::vector<Node> nodes)
    : Problem(std::move(name), vehicles, capacity, std::move(nodes), {}) {}

Problem::Problem(std::string name, int vehicles, int capacity, std::vector<Node> nodes, std::vector<double> matrix)
    : name_(std::move(name)), vehicles_(vehicles), capacity_(capacity), nodes_(std::move(nodes)) {
  if (nodes_.empty()) throw std::invalid_argument("problem has no depot");
  if (vehicles_ <= 0 || capacity_ <= 0) throw std::invalid_argument("vehicles and capacity must be positive");
  const int n = Size();
  int max_id = 0;
  for (const Node& node : nodes_) {
    if (node.id < 0) throw std::invalid_argument("negative task id " + std::to_string(node.id));
    max_id = std::max(max_id, node.id);
  }
  index_of_id_.assign(static_cast<std::size_t>(max_id) + 1, -1);
  for (int i = 1; i < n; ++i) {
    const Node& node = nodes_[i];
    if (index_of_id_[node.id] != -1 || node.id == nodes_[0].id)
      throw std::invalid_argument("task id " + std::to_string(node.id) + " appears twice");
    index_of_id_[node.id] = i;
    if (node.pickup >= 0 && node.delivery >= 0)
      throw std::invalid_argument("task " + std::to_string(node.id) + " is both a pickup and a delivery");
    int partner = node.pickup >= 0 ? node.pickup : node.delivery;
    if (partner >= 0) {
      if (partner == 0 || partner >= n)
        throw std::invalid_argument("task " + std::to_string(node.id) + " has an unknown partner");
      const Node& other = nodes_[partner];
      bool back = node.pickup >= 0 ? other.delivery == i : other.pickup == i;
      if (!back || other.demand != -node.demand)
        throw std::invalid_argument("tasks " + std::to_string(node.id) + " and " + std::to_string(other.id) +
                                    " are not a consistent pickup/delivery pair");
    }
  }
  const std::size_t cells = static_cast<std::size_t>(n) * n;
  if (!matrix.empty()) {
    if (matrix.size() != cells)
      throw std::invalid_argument("travel-time matrix has " + std::to_string(matrix.size()) + " cells, expected " +
                                  std::to_string(cells));
    for (double v : matrix)
      if (!std::isfinite(v) || v < 0)
        throw std::invalid_argument("travel-time matrix holds a negative or non-finite value");
    distance_ = std::move(matrix);
    return;
  }
  distance_.resize(cells);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      distance_[static_cast<std::size_t>(i) * n + j] = std::hypot(nodes_[i].x - nodes_[j].x, nodes_[i].y - nodes_[j].y);
}

int Problem::IndexOfId(int id) const {
  if (id < 0 || id >= static_cast<int>(index_of_id_.size())) return -1;
  return index_of_id_[id];
}

Problem ParseLiLim(std::string_view text, std::string name) {
  auto lines = Lines(text);
  std::size_t at = 0;
  while (at < lines.size() && Blank(lines[at])) ++at;
  if (at == lines.size()) throw std::runtime_error(name + ": empty Li & Lim instance");
  auto header = Numbers(lines[at], name + " line " + std::to_string(at + 1));
  if (header.size() < 2) throw std::runtime_error(name + " line " + std::to_string(at + 1) + ": expected 'K Q S'");
  int vehicles = AsInt(header[0], name + " line 1");
  int capacity = AsInt(header[1], name + " line 1");
  // Li & Lim files refer to partners by task id; ids equal row positions in the published files, but map
  // them explicitly so a reordered file still parses correctly.
  std::vector<Node> nodes;
  std::vector<std::pair<int, int>> partner_ids;
  for (++at; at < lines.size(); ++at) {
    if (Blank(lines[at])) continue;
    std::string where = name + " line " + std::to_string(at + 1);
    auto v = Numbers(lines[at], where);
    if (v.size() != 9) throw std::runtime_error(where + ": expected 9 fields, got " + std::to_string(v.size()));
    Node node = NodeFromFields(v, where);
    partner_ids.emplace_back(AsInt(v[7], where), AsInt(v[8], where));
    nodes.push_back(node);
  }
  if (nodes.empty()) throw std::runtime_error(name + ": no depot line");
  auto lookup = [&](int id) -> int {
    for (std::size_t i = 0; i < nodes.size(); ++i)
      if (nodes[i].id == id) return static_cast<int>(i);
    throw std::runtime_error(name + ": partner id " + std::to_string(id) + " not found");
  };
  for (std::size_t i = 1; i < nodes.size(); ++i) {
    auto [p, d] = partner_ids[i];
    if (p > 0) nodes[i].pickup = lookup(p);
    if (d > 0) nodes[i].delivery = lookup(d);
  }
  try {
    return Problem(std::move(name), vehicles, capacity, std::move(nodes));
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(e.what());
  }
}

Problem ParseSolomon(std::string_view text) {
  auto lines = Lines(text);
  std::size_t at = 0;
  while (at < lines.size() && Blank(lines[at])) ++at;
  if (at == lines.size()) throw std::runtime_error("<text>: empty Solomon instance");
  std::string name = lines[at];
  name.erase(0, name.find_first_not_of(" \t"));
  int vehicles = -1;
  int capacity = -1;
  std::vector<Node> nodes;
  bool in_customers = false;
  for (++at; at < lines.size(); ++at) {
    const std::string& line = lines[at];
    std::string where = name + " line " + std::to_string(at + 1);
    if (Blank(line)) continue;
    if (line.find("CAPACITY") != std::string::npos) {
      std::size_t next = at + 1;
      while (next < lines.size() && Blank(lines[next])) ++next;
      if (next == lines.size()) throw std::runtime_error(where + ": missing vehicle number and capacity");
      auto v = Numbers(lines[next], name + " line " + std::to_string(next + 1));
      if (v.size() != 2) throw std::runtime_error(where + ": expected 'NUMBER CAPACITY' values");
      vehicles = AsInt(v[0], where);
      capacity = AsInt(v[1], where);
      at = next;
      continue;
    }
    if (line.find("CUST") != std::string::npos) {
      in_customers = true;
      continue;
    }
    if (!in_customers) continue;
    auto v = Numbers(line, where);
    if (v.size() != 7) throw std::runtime_error(where + ": expected 7 fields, got " + std::to_string(v.size()));
    Node node = NodeFromFields(v, where);
    if (node.demand < 0) throw std::runtime_error(where + ": negative demand");
    nodes.push_back(node);
  }
  if (vehicles < 0) throw std::runtime_error(name + ": no VEHICLE NUMBER/CAPACITY header");
  if (nodes.empty()) throw std::runtime_error(name + ": no customer rows");
  if (nodes[0].id != 0) throw std::runtime_error(name + ": the first customer row must be the depot (0)");
  try {
    return Problem(std::move(name), vehicles, capacity, std::move(nodes));
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(e.what());
  }
}

Problem LoadProblem(const std::filesystem::path& file, Format format) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read instance " + file.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (format == Format::kLiLim) return ParseLiLim(buffer.str(), file.stem().string());
  return ParseSolomon(buffer.str());
}

}  // namespace okada::brain::routing

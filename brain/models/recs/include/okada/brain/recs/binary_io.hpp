#pragma once
// Little-endian binary read/write of the model files' fields (numbers, strings, arrays), with bounds checks on
// reading: a truncated or corrupt file is a std::runtime_error, never a crash.

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace okada::brain::recs {

class BinaryWriter {
 public:
  template <typename T>
  void Put(T v) {
    static_assert(std::is_arithmetic_v<T>);
    const auto* p = reinterpret_cast<const char*>(&v);
    out_.append(p, sizeof v);
  }
  void PutString(std::string_view s) {
    Put<std::uint64_t>(s.size());
    out_.append(s);
  }
  template <typename T>
  void PutVector(const std::vector<T>& v) {
    static_assert(std::is_arithmetic_v<T>);
    Put<std::uint64_t>(v.size());
    out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  const std::string& Bytes() const { return out_; }

 private:
  std::string out_;
};

class BinaryReader {
 public:
  explicit BinaryReader(std::string_view data) : data_(data) {}
  template <typename T>
  T Get() {
    static_assert(std::is_arithmetic_v<T>);
    Need(sizeof(T));
    T v;
    std::memcpy(&v, data_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::string GetString(std::size_t max = 1 << 20) {
    const auto n = Get<std::uint64_t>();
    if (n > max) throw std::runtime_error("model file corrupt (string too long)");
    Need(n);
    std::string s(data_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  template <typename T>
  std::vector<T> GetVector(std::size_t max = std::size_t{1} << 32) {
    const auto n = Get<std::uint64_t>();
    if (n > max || n > (data_.size() - pos_) / sizeof(T)) throw std::runtime_error("model file truncated or corrupt");
    std::vector<T> v(n);
    std::memcpy(v.data(), data_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
    return v;
  }
  bool AtEnd() const { return pos_ == data_.size(); }

 private:
  void Need(std::size_t n) const {
    if (n > data_.size() - pos_) throw std::runtime_error("model file truncated");
  }
  std::string_view data_;
  std::size_t pos_ = 0;
};

}  // namespace okada::brain::recs

#include "okada/core/crypto/secret_file.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"

namespace okada::crypto {
namespace {

[[noreturn]] void Fail(std::string_view what, const std::filesystem::path& path, int err) {
  throw Error(ErrorCode::kInternal, std::string(what) + " " + path.string() + ": " + std::strerror(err));
}

// Writes `contents` to a fresh temporary file beside `path` (mode 0600 from the start, never wider, so a
// secret is not readable even for an instant) and returns its name.
std::filesystem::path WriteTemporary(const std::filesystem::path& path, std::string_view contents) {
  std::filesystem::path dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  EnsurePrivateDirectory(dir);
  std::filesystem::path tmp = path;
  tmp += ".tmp-" + RandomToken(9);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) Fail("cannot create", tmp, errno);
  std::size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      Fail("cannot write", tmp, err);
    }
    done += static_cast<std::size_t>(n);
  }
  // fchmod as well: the umask may have narrowed 0600 (harmless) but never widens; this documents intent.
  if (::fchmod(fd, 0600) != 0 || ::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    Fail("cannot sync", tmp, err);
  }
  ::close(fd);
  return tmp;
}

void SyncDirectory(const std::filesystem::path& path) {
  // Makes the rename/link durable across a power cut; best effort (some filesystems refuse fsync on dirs).
  std::filesystem::path dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    (void)::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

void EnsurePrivateDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return;
  if (!dir.parent_path().empty() && dir.parent_path() != dir) EnsurePrivateDirectory(dir.parent_path());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) Fail("cannot create directory", dir, errno);
}

void WriteSecretFile(const std::filesystem::path& path, std::string_view contents) {
  std::filesystem::path tmp = WriteTemporary(path, contents);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    Fail("cannot rename onto", path, err);
  }
  SyncDirectory(path);
}

bool CreateSecretFile(const std::filesystem::path& path, std::string_view contents) {
  std::filesystem::path tmp = WriteTemporary(path, contents);
  // link(2) fails with EEXIST instead of replacing: the first creator wins and everyone reads its key.
  int rc = ::link(tmp.c_str(), path.c_str());
  int err = errno;
  ::unlink(tmp.c_str());
  if (rc != 0) {
    if (err == EEXIST) return false;
    Fail("cannot create", path, err);
  }
  SyncDirectory(path);
  return true;
}

std::string ReadSecretFile(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) Fail("cannot open", path, errno);
  std::string out;
  // Reserve the size up front so growth does not leave copies of the secret in freed heap blocks.
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size < (1 << 20))
    out.reserve(static_cast<std::size_t>(st.st_size));
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      Fail("cannot read", path, err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  sodium_memzero(buf, sizeof buf);
  return out;
}

}  // namespace okada::crypto

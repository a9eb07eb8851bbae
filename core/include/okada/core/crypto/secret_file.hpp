#pragma once
/// Reading and writing secret files (keys) in the state directory.
///
/// Files are written atomically (temporary file in the same directory, fsync, rename) with mode 0600, and
/// their directory is created with mode 0700 when missing. Thread-safety: the functions are safe to call
/// concurrently on different paths; concurrent writers of the same path end with one complete file.
/// Errors: any I/O failure throws okada::Error(kInternal) naming the path (never the contents).

#include <filesystem>
#include <string>
#include <string_view>

namespace okada::crypto {

/// Creates `dir` (and parents) if missing; a directory this call creates gets mode 0700.
void EnsurePrivateDirectory(const std::filesystem::path& dir);

/// Atomically replaces `path` with `contents`, mode 0600.
void WriteSecretFile(const std::filesystem::path& path, std::string_view contents);

/// Creates `path` with `contents` and mode 0600 only if it does not exist yet (O_EXCL semantics through a
/// hard link, so two processes racing to create the same key agree on one). Returns false if it existed.
bool CreateSecretFile(const std::filesystem::path& path, std::string_view contents);

/// The whole file. Throws okada::Error(kInternal) if it cannot be read.
std::string ReadSecretFile(const std::filesystem::path& path);

}  // namespace okada::crypto

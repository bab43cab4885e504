#pragma once
// Writing results without ever losing a user's file. One rule for every writer:
//  - an existing file is replaced only when asked (--force, or a dialog that asked);
//  - an input of the same command is never written, even when asked;
//  - every output is checked before the work starts (folder exists and is writable,
//    the path is not a folder), so a long run never ends in an unwritable path;
//  - files are written to a temporary file beside the target and renamed over it,
//    so a crash or a full disk leaves the old file (or none), never half of one;
//  - "-" is standard output; pipes, terminals and devices are written in place;
//  - failures name the path and the system's reason ("No space left on device").

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace genrescope {

class OutputTarget {
public:
    /// Checks where `path` can be written before any work starts. Throws Error(WriteFailed):
    /// an existing file without `overwrite`, a folder, a missing or read-only folder, or a
    /// path that is one of `inputs` (the same file, through any name).
    static OutputTarget check(const QString& path, bool overwrite, const QStringList& inputs = {});

    const QString& path() const { return path_; }
    /// Standard output, a pipe, a terminal or a device: written in place, not replaced.
    bool isStream() const { return stream_; }

    /// Writes all of bytes (atomically for a regular file). Throws Error(WriteFailed) with the
    /// system's reason.
    void write(const QByteArray& bytes) const;

private:
    QString path_;
    bool stream_ = false;
    bool overwrite_ = false;
};

/// Throws Error(InvalidArgument) when two outputs of one command name the same file.
/// Each entry is "--option" then its path; empty paths are skipped.
void requireDistinctOutputs(const QList<QPair<QString, QString>>& outputs);

/// Writes bytes to path atomically: a temporary file beside it, flushed to disk, then renamed
/// over it (or, without overwrite, only if no file of that name exists by then). Throws
/// Error(WriteFailed) naming the path and the system's reason.
void writeFileAtomically(const QString& path, const QByteArray& bytes, bool overwrite = true);

} // namespace genrescope

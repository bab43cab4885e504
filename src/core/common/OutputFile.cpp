#include "common/OutputFile.h"

#include "common/Error.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace genrescope {
namespace {

QString systemReason(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

[[noreturn]] void fail(const QString& path, const QString& what)
{
    throw Error(ErrorCode::WriteFailed, QStringLiteral("%1: %2").arg(shownPath(path), what));
}

QString folderOf(const QString& path)
{
    const QString folder = QFileInfo(path).path();
    return folder.isEmpty() ? QStringLiteral(".") : folder;
}

bool sameFile(const struct stat& a, const QString& other)
{
    struct stat b{};
    return ::stat(QFile::encodeName(other).constData(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/// Writes all of bytes to fd. Returns 0, or the errno of the failure.
int writeAll(int fd, const QByteArray& bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.constData() + done, size_t(bytes.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? errno : EIO;
        done += n;
    }
    return 0;
}

/// Permission bits for a new file: what the process's umask allows of rw-rw-rw-.
mode_t newFileMode()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray& line : status.readAll().split('\n'))
            if (line.startsWith("Umask:"))
                return 0666 & ~mode_t(line.mid(6).trimmed().toUInt(nullptr, 8));
    }
    return 0644;
}

} // namespace

OutputTarget OutputTarget::check(const QString& path, bool overwrite, const QStringList& inputs)
{
    OutputTarget target;
    target.path_ = path;
    target.overwrite_ = overwrite;
    if (path.isEmpty())
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("an output path is empty; give a file name or - for "
                                                               "standard output."));
    if (path == QLatin1String("-")) {
        target.stream_ = true;
        return target;
    }
    const QByteArray native = QFile::encodeName(path);
    struct stat st{};
    if (::stat(native.constData(), &st) == 0) {
        if (S_ISDIR(st.st_mode))
            fail(path, QStringLiteral("a folder; give a file name (for example %1/out).").arg(shownPath(path)));
        for (const QString& input : inputs)
            if (sameFile(st, input))
                fail(path, QStringLiteral("this is an input of the command; writing there would destroy it. Choose "
                                          "another name."));
        if (!S_ISREG(st.st_mode)) {  // a pipe, terminal or device such as /dev/stdout
            if (::access(native.constData(), W_OK) != 0)
                fail(path, QStringLiteral("cannot write: %1.").arg(systemReason(errno)));
            target.stream_ = true;
            return target;
        }
        if (!overwrite)
            fail(path, QStringLiteral("already exists; pass --force to replace it."));
    } else if (errno != ENOENT) {
        fail(path, QStringLiteral("cannot write: %1.").arg(systemReason(errno)));
    }
    const QString folder = folderOf(path);
    struct stat dir{};
    if (::stat(QFile::encodeName(folder).constData(), &dir) != 0)
        fail(path, errno == ENOENT ? QStringLiteral("the folder %1 does not exist. Create it first.").arg(shownPath(folder))
                                   : QStringLiteral("cannot use the folder %1: %2.").arg(shownPath(folder), systemReason(errno)));
    if (!S_ISDIR(dir.st_mode))
        fail(path, QStringLiteral("%1 is not a folder.").arg(shownPath(folder)));
    if (::access(QFile::encodeName(folder).constData(), W_OK | X_OK) != 0)
        fail(path, QStringLiteral("cannot write in the folder %1: %2.").arg(shownPath(folder), systemReason(errno)));
    return target;
}

void OutputTarget::write(const QByteArray& bytes) const
{
    if (!stream_) {
        writeFileAtomically(path_, bytes, overwrite_);
        return;
    }
    if (path_ == QLatin1String("-")) {
        std::fflush(stdout);
        if (const int error = writeAll(STDOUT_FILENO, bytes))
            fail(QStringLiteral("standard output"), QStringLiteral("cannot write: %1.").arg(systemReason(error)));
        return;
    }
    const int fd = ::open(QFile::encodeName(path_).constData(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        fail(path_, QStringLiteral("cannot open for writing: %1.").arg(systemReason(errno)));
    const int error = writeAll(fd, bytes);
    const int closed = ::close(fd) == 0 ? 0 : errno;
    if (error || closed)
        fail(path_, QStringLiteral("cannot write: %1.").arg(systemReason(error ? error : closed)));
}

void requireDistinctOutputs(const QList<QPair<QString, QString>>& outputs)
{
    for (qsizetype i = 0; i < outputs.size(); ++i)
        for (qsizetype j = i + 1; j < outputs.size(); ++j) {
            const QString& a = outputs[i].second;
            const QString& b = outputs[j].second;
            if (a.isEmpty() || b.isEmpty())
                continue;
            if (a == b || (a != QLatin1String("-") && QFileInfo(a).absoluteFilePath() == QFileInfo(b).absoluteFilePath()))
                throw Error(ErrorCode::InvalidArgument,
                            QStringLiteral("%1 and %2 name the same file (%3); give each its own.")
                                .arg(outputs[i].first, outputs[j].first, shownPath(a)));
        }
}

void writeFileAtomically(const QString& givenPath, const QByteArray& bytes, bool overwrite)
{
    // A symbolic link to a file: the file it points to is replaced, the link stays.
    const QFileInfo given(givenPath);
    const QString path = given.isSymLink() && given.exists() ? given.canonicalFilePath() : givenPath;
    const QString folder = folderOf(path);
    QByteArray base = QFile::encodeName(QFileInfo(path).fileName()).left(200);
    QByteArray temporary = QFile::encodeName(folder) + "/." + base + ".XXXXXX";
    const int fd = ::mkstemp(temporary.data());
    if (fd < 0)
        fail(path, QStringLiteral("cannot create a file in %1: %2.").arg(shownPath(folder), systemReason(errno)));
    auto abandon = [&](const QString& what) {
        const int error = errno;
        ::close(fd);
        ::unlink(temporary.constData());
        fail(path, QStringLiteral("%1: %2. Nothing was written.").arg(what, systemReason(error)));
    };
    struct stat old{};
    const mode_t mode = ::stat(QFile::encodeName(path).constData(), &old) == 0 ? (old.st_mode & 07777) : newFileMode();
    ::fchmod(fd, mode);
    if (const int error = writeAll(fd, bytes)) {
        errno = error;
        abandon(QStringLiteral("cannot write"));
    }
    if (::fsync(fd) != 0)
        abandon(QStringLiteral("cannot write"));
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(temporary.constData());
        fail(path, QStringLiteral("cannot write: %1. Nothing was written.").arg(systemReason(error)));
    }
    const QByteArray target = QFile::encodeName(path);
    int renamed = 0;
    if (overwrite) {
        renamed = ::rename(temporary.constData(), target.constData());
    } else {
        renamed = ::renameat2(AT_FDCWD, temporary.constData(), AT_FDCWD, target.constData(), RENAME_NOREPLACE);
        if (renamed != 0 && (errno == EINVAL || errno == ENOSYS)) {  // a file system without RENAME_NOREPLACE
            renamed = ::link(temporary.constData(), target.constData());
            if (renamed == 0)
                ::unlink(temporary.constData());
        }
    }
    if (renamed != 0) {
        const int error = errno;
        ::unlink(temporary.constData());
        if (error == EEXIST)
            fail(path, QStringLiteral("already exists; pass --force to replace it. Nothing was written."));
        fail(path, QStringLiteral("cannot write: %1. Nothing was written.").arg(systemReason(error)));
    }
    const int dirFd = ::open(QFile::encodeName(folder).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0) {  // make the rename itself durable
        ::fsync(dirFd);
        ::close(dirFd);
    }
}

} // namespace genrescope

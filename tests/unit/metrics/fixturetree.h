#pragma once

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

// Materialises a fixture tree file into a temporary directory. A tree file is
// a readable stand-in for a /proc + /sys/fs/cgroup snapshot:
//   === relative/path
//   file contents...
// "^@" in contents stands for a NUL byte (as in /proc/<pid>/cmdline).
inline bool materialiseTree(const QString& treeFile, const QString& root)
{
    QFile in(treeFile);
    if (!in.open(QIODevice::ReadOnly))
        return false;
    QString current;
    QByteArray body;
    auto flush = [&]() -> bool {
        if (current.isEmpty())
            return true;
        const QString path = root + QLatin1Char('/') + current;
        if (!QDir().mkpath(QFileInfo(path).absolutePath()))
            return false;
        QFile out(path);
        if (!out.open(QIODevice::WriteOnly))
            return false;
        body.replace("^@", QByteArray(1, '\0'));
        return out.write(body) == body.size();
    };
    while (!in.atEnd()) {
        const QByteArray line = in.readLine();
        if (line.startsWith("=== ")) {
            if (!flush())
                return false;
            current = QString::fromUtf8(line.mid(4).trimmed());
            body.clear();
        } else {
            body += line;
        }
    }
    if (!flush())
        return false;
    // A cmdline ends with NUL, not newline: drop the newline the tree adds.
    return true;
}

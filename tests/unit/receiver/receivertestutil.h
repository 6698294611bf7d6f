#pragma once

// Entries for the receiver tests: real Snapshots turned into the JSON the
// receiver accepts (the original's LogEntry, Stevedore's snapshot, the
// reporter's entry), with a sequence number to check order and loss.

#include "core/model/snapshot.h"
#include "core/model/snapshotjson.h"

#include <nlohmann/json.hpp>

#include <QByteArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QTcpServer>
#include <QThread>
#include <QTimeZone>

namespace testutil {

inline QDateTime baseTime()
{
    return QDateTime(QDate(2024, 3, 1), QTime(12, 0, 0), QTimeZone::utc());
}

// A snapshot whose first container's pid carries `seq`.
inline Snapshot makeSnapshot(qint64 seq, int containers = 3, QDateTime when = {})
{
    Snapshot s;
    s.source = QStringLiteral("cgroup");
    s.timestamp = when.isValid() ? when : baseTime().addSecs(seq);
    s.intervalSeconds = 10;
    s.system.memoryTotalBytes = 8ull << 30;
    s.system.memoryAvailableBytes = 5ull << 30;
    s.system.memoryFreeBytes = 4ull << 30;
    s.system.memoryUsedBytes = 3ull << 30;
    s.system.cpuPercent = 12.5;
    s.system.cpuCount = 2;
    const Category cats[] = { Category::Cpu, Category::Ram, Category::Io, Category::Disk };
    for (int i = 0; i < containers; ++i) {
        ContainerMetrics c;
        c.id = QStringLiteral("%1").arg(i + 1, 64, 10, QLatin1Char('a'));
        c.name = QStringLiteral("stress_%1").arg(i);
        c.processName = QStringLiteral("stress");
        c.pid = i == 0 ? seq + 1 : 1000 + i;
        c.category = cats[i % 4];
        c.cmdline = QStringLiteral("stress --cpu 1");
        c.cpuPercent = 50 + i;
        c.memoryBytes = quint64(10 + i) << 20;
        c.memoryPercent = 0.5 + i;
        c.readBytes = 4096ull * (seq + 1);
        c.writeBytes = 8192ull * (seq + 1);
        c.readOps = 10 + seq;
        c.writeOps = 20 + seq;
        s.containers.append(c);
    }
    return s;
}

inline QByteArray dump(const nlohmann::json& j)
{
    return QByteArray::fromStdString(j.dump());
}

// The original's LogEntry: {"timestamp", "sysinfo"} only.
inline QByteArray originalEntry(qint64 seq, QDateTime when = {})
{
    const Snapshot s = makeSnapshot(seq, 3, when);
    return dump({ { "timestamp", toRfc3339(s.timestamp).toStdString() }, { "sysinfo", snapshotToOriginalSysinfo(s) } });
}

// Stevedore's own snapshot JSON (stevedore --once --json).
inline QByteArray snapshotBody(qint64 seq, QDateTime when = {})
{
    return dump(snapshotToJson(makeSnapshot(seq, 3, when)));
}

// The sequence number back from a stored line or a parsed entry.
inline qint64 seqOf(const nlohmann::json& entry)
{
    return entry.at("sysinfo").at("Docker_Containers").at(0).at("PID").get<qint64>() - 1;
}

inline qint64 seqOf(const QByteArray& line)
{
    return seqOf(nlohmann::json::parse(line.constBegin(), line.constEnd()));
}

// A field of /proc/<pid>/status in kB (VmRSS:, VmHWM:), or -1: how the
// receiver tests watch a server process's memory.
inline qint64 procStatusKb(qint64 pid, const char* key)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith(key))
            return line.mid(int(qstrlen(key))).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

// A loopback port free at the time of asking, for a server process to take.
inline quint16 freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

// Waits until ready() holds while the event loop runs; false after timeoutMs.
template<typename F> bool waitFor(F ready, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!ready()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
    return true;
}

} // namespace testutil

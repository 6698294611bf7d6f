#pragma once

#include "core/metrics/metricsource.h"
#include "core/model/kmodjson.h"

// Reads the kernel module's /proc file (kernel_module/, default
// /proc/container_sysinfo; the original used /proc/sysinfo_<id>).
class KmodSource : public MetricSource
{
public:
    explicit KmodSource(QString procFile);

    QString name() const override { return QStringLiteral("kmod"); }
    QString location() const override { return m_procFile; }
    bool sample(RawSample& out, QString* error) override;

    // Parses one document of the module's file (model/kmodjson.h) and names
    // each container from its reported cgroup path with the same rules as the
    // cgroup source (containerid.h): the module reports the path, user space
    // decides which runtime layout it is. Where the path names no container
    // (a reader in a cgroup namespace sees "/"), the module's id stays.
    static bool parse(const QByteArray& text, RawSample& out, QString* error);

    // The first readable file among the module's default name and the original's
    // /proc/sysinfo_* names under `procRoot`, or an empty string.
    static QString detect(const QString& procRoot = QStringLiteral("/proc"));

    // The naming above, for one container.
    static void nameFromCgroup(RawContainer& c);

    int recordsReused() const { return m_reader.reusedLastTime(); } // in the last sample

private:
    QString m_procFile;
    // Successive reads: a record that did not change is not parsed again.
    KmodJsonReader m_reader { &KmodSource::nameFromCgroup };
};

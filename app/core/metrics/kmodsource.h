#pragma once

#include "metricsource.h"

// Reads the kernel module's /proc file (kernel_module/, default
// /proc/container_sysinfo; the seed used /proc/sysinfo_<id>).
class KmodSource : public MetricSource
{
public:
    explicit KmodSource(QString procFile);

    QString name() const override { return QStringLiteral("kmod"); }
    QString location() const override { return m_procFile; }
    bool sample(RawSample& out, QString* error) override;

    // The first readable file among the module's default name and the seed's
    // /proc/sysinfo_* names under `procRoot`, or an empty string.
    static QString detect(const QString& procRoot = QStringLiteral("/proc"));

private:
    QString m_procFile;
};

#pragma once

// Test-side helpers that drive the real Docker engine through the docker CLI,
// independently of Stevedore's own client, so integration tests check
// Stevedore against ground truth rather than against itself.

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QUuid>

namespace DockerCli {

struct Result
{
    int exitCode = -1;
    QString out;
    QString err;
};

inline Result docker(const QStringList& args, int timeoutMs = 60000)
{
    QProcess p;
    p.start(QStringLiteral("docker"), args);
    Result r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("docker %1: timed out").arg(args.join(QLatin1Char(' ')));
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    r.err = QString::fromUtf8(p.readAllStandardError()).trimmed();
    return r;
}

// A label value unique to this test run: everything a test creates carries
// stevedore.test=<runId> and only that is ever cleaned up.
inline QString newRunId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces).left(12);
}

// Runs a light stress container; returns its full id or an empty string.
inline QString runStress(const QString& runId, const QString& name, const QString& stressArgs,
                         const QStringList& extraLabels = {})
{
    QStringList args { QStringLiteral("run"),       QStringLiteral("-d"),
                       QStringLiteral("--network"), QStringLiteral("none"),
                       QStringLiteral("--name"),    name,
                       QStringLiteral("--label"),   QStringLiteral("stevedore.test=") + runId };
    for (const QString& l : extraLabels)
        args << QStringLiteral("--label") << l;
    args << QStringLiteral("containerstack/alpine-stress") << QStringLiteral("sh") << QStringLiteral("-c")
         << QStringLiteral("exec stress ") + stressArgs;
    const Result r = docker(args);
    return r.exitCode == 0 ? r.out.section(QLatin1Char('\n'), -1) : QString();
}

inline QString inspect(const QString& id, const QString& format)
{
    return docker({ QStringLiteral("inspect"), QStringLiteral("-f"), format, id }).out;
}

// Removes every container carrying this run's label, and only those.
inline void removeRun(const QString& runId)
{
    const Result ids = docker({ QStringLiteral("ps"), QStringLiteral("-aq"), QStringLiteral("--filter"),
                                QStringLiteral("label=stevedore.test=") + runId });
    if (ids.out.isEmpty())
        return;
    // A few at a time: `docker rm` removes the ids it is given in parallel
    // (up to 50), and hundreds of concurrent removals have wedged dockerd
    // 20.10 here for tens of minutes.
    const QStringList all = ids.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    constexpr int batch = 10;
    for (int i = 0; i < all.size(); i += batch) {
        QStringList args { QStringLiteral("rm"), QStringLiteral("-f") };
        args += all.mid(i, batch);
        docker(args);
    }
}

} // namespace DockerCli

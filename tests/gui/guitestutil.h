#pragma once

// Helpers shared by the GUI tests: fixture snapshots, a unique test label
// for the containers a test creates, and a Docker client for set-up and
// clean-up that only ever touches containers carrying that label.
#include "core/docker/dockerclient.h"
#include "core/model/snapshotjson.h"

#include <QAction>
#include <QLabel>
#include <QMessageBox>
#include <QObject>

#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QRandomGenerator>
#include <QTest>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <optional>

namespace GuiTest {

inline QList<Snapshot> loadSnapshots(const QString& path)
{
    QList<Snapshot> out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        Snapshot s;
        QString error;
        if (!snapshotFromJson(nlohmann::json::parse(line.toStdString()), s, &error))
            qFatal("%s: %s", qPrintable(path), qPrintable(error));
        out.append(s);
    }
    return out;
}

// stevedore.test=<this value> marks what one test run created.
inline QString runId()
{
    static const QString id = QStringLiteral("gui-%1-%2")
                                  .arg(QCoreApplication::applicationPid())
                                  .arg(QRandomGenerator::global()->generate() % 100000);
    return id;
}

inline QString testLabel()
{
    return QStringLiteral("stevedore.test");
}

// Runs a DockerClient call synchronously (tests only) and returns its result.
template<typename T, typename Call> DockerResult<T> wait(Call call, int timeoutMs = 30000)
{
    std::optional<DockerResult<T>> result;
    QEventLoop loop;
    call([&](const DockerResult<T>& r) {
        result = r;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (!result)
        loop.exec();
    if (!result) {
        DockerResult<T> timedOut;
        timedOut.error.kind = DockerError::Kind::Unreachable;
        timedOut.error.message = QStringLiteral("test timed out");
        return timedOut;
    }
    return *result;
}

// A light container of our own: busybox sleep, no network, labelled.
inline ContainerSpec sleeperSpec(const QString& name)
{
    ContainerSpec spec;
    spec.name = name;
    spec.image = QStringLiteral(STEVEDORE_DEFAULT_IMAGE);
    spec.cmd = { QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("exec sleep 600") };
    spec.networkMode = QStringLiteral("none");
    spec.labels.insert(testLabel(), runId());
    return spec;
}

// Lists (all states) the containers of this run.
inline QList<ContainerSummary> ours(DockerClient& client)
{
    ContainerListQuery q;
    q.all = true;
    q.labels = { testLabel() + QLatin1Char('=') + runId() };
    const auto r = wait<QList<ContainerSummary>>([&](auto done) { client.listContainers(q, done); });
    return r.ok() ? r.value : QList<ContainerSummary>();
}

// Removes every container of this run (and only those).
inline void cleanUp(DockerClient& client)
{
    for (const ContainerSummary& c : ours(client)) {
        if (c.labels.value(testLabel()) != runId())
            continue; // belt and braces: never someone else's
        wait<DockerNothing>([&](auto done) { client.removeContainer(c.id, true, done); });
    }
}

// A window's part found by its objectName; fails the test run when missing
// (a renamed widget is a broken contract, not a skip).
template<typename T> T* part(const QObject& root, const char* name)
{
    T* found = root.findChild<T*>(QLatin1String(name));
    if (!found)
        qFatal("no %s named \"%s\"", T::staticMetaObject.className(), name);
    return found;
}

inline QAction* action(const QObject& window, const char* name)
{
    return part<QAction>(window, name);
}

inline QLabel* label(const QObject& window, const char* name)
{
    return part<QLabel>(window, name);
}

// An open dialog, or null: closed ones drop their name until deleted.
template<typename T = QMessageBox> T* openDialog(const QObject& window, const char* name)
{
    return window.findChild<T*>(QLatin1String(name));
}

} // namespace GuiTest

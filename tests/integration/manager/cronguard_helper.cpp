// What `stevedore --cron-spawn` does around its run, as a process the test
// can signal: install the line, wait for SIGINT/SIGTERM, remove the line.
#include "core/manager/crontab.h"
#include "core/util/unixsignalwatcher.h"

#include <QCoreApplication>

#include <csignal>
#include <cstdio>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 4) {
        std::fprintf(stderr, "usage: cronguard_helper SCHEDULE SCRIPT LOG\n");
        return 2;
    }
    CronSpawnGuard guard(args[1], args[2], args[3],
                         { { QStringLiteral("STEVEDORE_IMAGE"), QStringLiteral("img:test") } });
    QString message;
    if (!guard.install(&message)) {
        std::fprintf(stderr, "%s\n", qPrintable(message));
        return 3;
    }
    UnixSignalWatcher watcher({ SIGINT, SIGTERM });
    QObject::connect(&watcher, &UnixSignalWatcher::unixSignal, &app, [](int) { QCoreApplication::quit(); });
    std::printf("installed %s\n", qPrintable(guard.tag()));
    std::fflush(stdout);
    app.exec();
    const bool ok = guard.remove(&message);
    std::printf("%s\n", qPrintable(message));
    return ok ? 0 : 4;
}

#include "headless.h"

#include "metrics/collector.h"
#include "model/snapshotjson.h"
#include "options.h"
#include "tableprinter.h"
#include "util/unixsignalwatcher.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QThread>
#include <QTimer>

#include <csignal>
#include <cstdio>

namespace {
void out(const QString& text)
{
    std::fputs(text.toLocal8Bit().constData(), stdout);
    std::fflush(stdout);
}

void err(const QString& text)
{
    std::fprintf(stderr, "stevedore: %s\n", text.toLocal8Bit().constData());
}
}

namespace Headless {

int runOnce(const Options& options)
{
    Collector collector(options.source);
    QString error;
    // Two samples: rates need a time difference. The first one primes the
    // collector; it is not printed.
    if (!collector.collect(&error)) {
        err(error);
        return 1;
    }
    QThread::usleep(static_cast<unsigned long>(options.sampleGapSeconds * 1e6));
    const auto snapshot = collector.collect(&error);
    if (!snapshot) {
        err(error);
        return 1;
    }
    if (options.json)
        out(QString::fromUtf8(snapshotToJsonBytes(*snapshot)) + QLatin1Char('\n'));
    else
        out(formatSnapshot(*snapshot));
    return 0;
}

int runService(const Options& options)
{
    Collector collector(options.source);
    QTimer timer;
    timer.setInterval(int(options.intervalSeconds * 1000));
    timer.setTimerType(Qt::PreciseTimer);
    auto tick = [&] {
        QString error;
        const auto snapshot = collector.collect(&error);
        if (!snapshot) {
            err(error);
            return;
        }
        out(formatSnapshot(*snapshot) + QLatin1Char('\n'));
    };
    QObject::connect(&timer, &QTimer::timeout, tick);

    UnixSignalWatcher signals({SIGINT, SIGTERM});
    QObject::connect(&signals, &UnixSignalWatcher::unixSignal, [](int sig) {
        out(QStringLiteral("\n[INFO] Signal %1 received, shutting down...\n").arg(sig));
        QCoreApplication::quit();
    });

    out(QStringLiteral("[INFO] Stevedore %1 starting (interval %2 s)\n")
            .arg(QLatin1String(STEVEDORE_VERSION))
            .arg(options.intervalSeconds));
    QTimer::singleShot(0, tick);
    timer.start();
    const int rc = QCoreApplication::exec();
    out(QStringLiteral("[INFO] Stopped.\n"));
    return rc;
}

}

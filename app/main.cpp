// One executable, two front ends chosen at run time (the way KDAB hotspot
// does it): the command line is parsed before any application object exists,
// then main() creates a QCoreApplication for headless work or a QApplication
// for the window and for chart rendering.
#include "alerts/audit.h"
#include "chartexport.h"
#include "gui.h"
#include "headless.h"
#include "manager/spawner.h"
#include "options.h"
#include "receiver/logstore.h"

#include <QApplication>
#include <QCoreApplication>
#include <QFile>

#include <cstdio>
#include <memory>

namespace {
bool haveDisplay()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        || qEnvironmentVariable("QT_QPA_PLATFORM") == QLatin1String("offscreen");
}

QStringList argumentsOf(int argc, char** argv)
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args.append(QString::fromLocal8Bit(argv[i]));
    return args;
}

void setIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("stevedore"));
    QCoreApplication::setApplicationName(QStringLiteral("stevedore"));
    QCoreApplication::setApplicationVersion(QStringLiteral(STEVEDORE_VERSION));
}
} // namespace

int main(int argc, char** argv)
{
    QString error;
    auto parsed = parseOptions(argumentsOf(argc, argv), &error);
    if (!parsed) {
        std::fprintf(stderr, "stevedore: %s\nTry 'stevedore --help'.\n", error.toLocal8Bit().constData());
        return 2;
    }
    Options options = std::move(*parsed);

    switch (options.mode) {
    case Options::Mode::Help:
        // Parsed before any QCoreApplication exists, so Qt cannot know the
        // program name: put it in ourselves.
        std::fputs(options.helpText.replace(QLatin1String("<executable_name>"), QStringLiteral("stevedore"))
                       .toLocal8Bit()
                       .constData(),
                   stdout);
        return 0;
    case Options::Mode::Version:
        std::printf("stevedore %s\n", STEVEDORE_VERSION);
        return 0;
    case Options::Mode::Gui:
        if (!haveDisplay()) {
            std::fprintf(stderr,
                         "stevedore: no display (DISPLAY/WAYLAND_DISPLAY unset): running headless as with "
                         "--no-gui\n");
            options.mode = Options::Mode::Service;
        }
        break;
    default:
        break;
    }

    setIdentity();
    switch (options.mode) {
    case Options::Mode::Once: {
        QCoreApplication app(argc, argv);
        return Headless::runOnce(options);
    }
    case Options::Mode::Service: {
        QCoreApplication app(argc, argv);
        return Headless::runService(options);
    }
    case Options::Mode::Spawn: {
        QCoreApplication app(argc, argv);
        return runSpawn(options);
    }
    case Options::Mode::ExportLogs: {
        QCoreApplication app(argc, argv);
        const QString dataDir = options.dataDir.isEmpty() ? defaultDataDir() : options.dataDir;
        qint64 count = 0;
        if (!exportLogs(dataDir, options.exportPath, &error, &count)) {
            std::fprintf(stderr, "stevedore: %s\n", error.toLocal8Bit().constData());
            return 1;
        }
        std::printf("%lld entries from %s written to %s\n", qlonglong(count), dataDir.toLocal8Bit().constData(),
                    options.exportPath.toLocal8Bit().constData());
        return 0;
    }
    case Options::Mode::ExportAudit: {
        // The audit trail as one JSON array (docs/alerts.md).
        QCoreApplication app(argc, argv);
        const QString dataDir = options.dataDir.isEmpty() ? defaultDataDir() : options.dataDir;
        const auto records = AuditLog::read(dataDir, {}, 0);
        QFile file(options.exportPath);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(AuditLog::toJsonArray(records)) < 0
            || !file.flush()) {
            std::fprintf(stderr, "stevedore: %s: %s\n", options.exportPath.toLocal8Bit().constData(),
                         file.errorString().toLocal8Bit().constData());
            return 1;
        }
        std::printf("%lld audit records from %s written to %s\n", qlonglong(records.size()),
                    dataDir.toLocal8Bit().constData(), options.exportPath.toLocal8Bit().constData());
        return 0;
    }
    case Options::Mode::ExportCharts: {
        // QtCharts draws with QtGui: a QApplication is needed, but never a
        // display. Choose the offscreen platform before it exists.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        QApplication app(argc, argv);
        const QString dataDir = options.dataDir.isEmpty() ? defaultDataDir() : options.dataDir;
        return runExportCharts(
            options.exportPath,
            [dataDir, &options](QList<Snapshot>* history, QString* why) {
                if (LogStore::files(dataDir).isEmpty()) {
                    *why = QStringLiteral("no stored log in %1 (nothing to draw)").arg(dataDir);
                    return false;
                }
                StoreReadStats stats;
                if (!loadStoreForCharts(dataDir, options.since, options.until, history, why, &stats))
                    return false;
                // Says the export read only the end of the store.
                std::fprintf(stderr, "stevedore: read %d of %d store files (%lld entries)\n", stats.filesRead,
                             stats.filesInStore, qlonglong(stats.entries));
                return true;
            },
            options.since, options.until);
    }
    case Options::Mode::Gui: {
        QApplication app(argc, argv);
        return Gui::run(options);
    }
    case Options::Mode::Help:
    case Options::Mode::Version:
        break;
    }
    return 2;
}

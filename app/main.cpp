// One executable, two front ends chosen at run time (the way KDAB hotspot
// does it): the command line is parsed before any application object exists,
// then main() creates a QCoreApplication for headless work or a QApplication
// for the window and for chart rendering.
#include "cmdoptions.h"
#include "commands/commands.h"
#include "commands/output.h"
#include "gui/gui.h"
#include "headless/headless.h"

#include <QApplication>
#include <QCoreApplication>

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
        Output::error(error + QStringLiteral("\nTry 'stevedore --help'."));
        return 2;
    }
    Options options = std::move(*parsed);

    switch (options.mode) {
    case Options::Mode::Help:
        // Parsed before any QCoreApplication exists, so Qt cannot know the
        // program name: put it in ourselves.
        Output::print(options.helpText.replace(QLatin1String("<executable_name>"), QStringLiteral("stevedore")));
        return 0;
    case Options::Mode::Version:
        Output::printLine(QStringLiteral("stevedore " STEVEDORE_VERSION));
        return 0;
    case Options::Mode::Gui:
        if (!haveDisplay()) {
            Output::error(QStringLiteral("no display (DISPLAY/WAYLAND_DISPLAY unset): running headless as with "
                                         "--no-gui"));
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
        return Commands::once(options);
    }
    case Options::Mode::Service: {
        QCoreApplication app(argc, argv);
        return Headless::runService(options);
    }
    case Options::Mode::Spawn: {
        QCoreApplication app(argc, argv);
        return Commands::spawn(options);
    }
    case Options::Mode::ExportLogs: {
        QCoreApplication app(argc, argv);
        return Commands::exportLogs(options);
    }
    case Options::Mode::ExportCharts: {
        // QtCharts draws with QtGui: a QApplication is needed, but never a
        // display. Choose the offscreen platform before it exists.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        QApplication app(argc, argv);
        return Commands::exportCharts(options);
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

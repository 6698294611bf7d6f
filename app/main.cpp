// One executable, two front ends chosen at run time (the way KDAB hotspot
// does it): the command line is parsed first, then main() creates a
// QCoreApplication for headless work or a QApplication for the window and
// for chart rendering. Both speak the user's language (app/translations.h).
#include "cmdoptions.h"
#include "commands/commands.h"
#include "commands/output.h"
#include "gui/gui.h"
#include "headless/headless.h"
#include "translations.h"

#include <QApplication>
#include <QCoreApplication>

#include <optional>

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

// The command line, read in the user's language: a translator needs an
// application object, and which one (QCoreApplication or QApplication) the
// command line decides, so a short-lived QCoreApplication carries the
// translators while parsing. It is given argv[0] = "stevedore" so that
// --help's usage line names the program, not the path it was started by.
std::optional<Options> parseCommandLine(int argc, char** argv, int* exitCode)
{
    int parsingArgc = 1;
    char name[] = "stevedore";
    char* parsingArgv[] = { name, nullptr };
    QCoreApplication parsing(parsingArgc, parsingArgv);
    Translations::install();

    QString error;
    auto parsed = parseOptions(argumentsOf(argc, argv), &error);
    if (!parsed) {
        Output::error(error + QLatin1Char('\n') + QCoreApplication::translate("main", "Try 'stevedore --help'."));
        *exitCode = 2;
        return std::nullopt;
    }
    switch (parsed->mode) {
    case Options::Mode::Help:
        Output::print(parsed->helpText);
        *exitCode = 0;
        return std::nullopt;
    case Options::Mode::Version:
        Output::printLine(QStringLiteral("stevedore " STEVEDORE_VERSION));
        *exitCode = 0;
        return std::nullopt;
    case Options::Mode::Gui:
        if (!haveDisplay()) {
            Output::error(QCoreApplication::translate(
                "main", "no display (DISPLAY/WAYLAND_DISPLAY unset): running headless as with --no-gui"));
            parsed->mode = Options::Mode::Service;
        }
        break;
    default:
        break;
    }
    return parsed;
}
} // namespace

int main(int argc, char** argv)
{
    int exitCode = 2;
    auto parsed = parseCommandLine(argc, argv, &exitCode);
    if (!parsed)
        return exitCode;
    Options options = std::move(*parsed);

    setIdentity();
    switch (options.mode) {
    case Options::Mode::Once: {
        QCoreApplication app(argc, argv);
        Translations::install();
        return Commands::once(options);
    }
    case Options::Mode::Service: {
        QCoreApplication app(argc, argv);
        Translations::install();
        return Headless::runService(options);
    }
    case Options::Mode::Spawn: {
        QCoreApplication app(argc, argv);
        Translations::install();
        return Commands::spawn(options);
    }
    case Options::Mode::ExportLogs: {
        QCoreApplication app(argc, argv);
        Translations::install();
        return Commands::exportLogs(options);
    }
    case Options::Mode::ExportAudit: {
        QCoreApplication app(argc, argv);
        Translations::install();
        return Commands::exportAudit(options);
    }
    case Options::Mode::ExportCharts: {
        // QtCharts draws with QtGui: a QApplication is needed, but never a
        // display. Choose the offscreen platform before it exists.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        QApplication app(argc, argv);
        Translations::install();
        return Commands::exportCharts(options);
    }
    case Options::Mode::Gui: {
        QApplication app(argc, argv);
        Translations::install();
        return Gui::run(options);
    }
    case Options::Mode::Help:
    case Options::Mode::Version:
        break;
    }
    return 2;
}

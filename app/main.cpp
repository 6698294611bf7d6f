// One executable, two front ends chosen at run time (the way KDAB hotspot
// does it): the command line is parsed before any application object exists,
// then main() creates a QCoreApplication for headless work or a QApplication
// for the window and for chart rendering.
#include "headless.h"
#include "options.h"

#include <QApplication>
#include <QCoreApplication>

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
}

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
        std::fputs(options.helpText.toLocal8Bit().constData(), stdout);
        return 0;
    case Options::Mode::Version:
        std::printf("stevedore %s\n", STEVEDORE_VERSION);
        return 0;
    case Options::Mode::Gui:
        if (!haveDisplay()) {
            std::fprintf(stderr, "stevedore: no display (DISPLAY/WAYLAND_DISPLAY unset): running headless as with "
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
    default:
        break;
    }
    std::fprintf(stderr, "stevedore: this mode is not available in this build yet\n");
    return 2;
}

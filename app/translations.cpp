#include "translations.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QTranslator>

namespace Translations {

QStringList searchPath()
{
    // The binary is <prefix>/bin/stevedore (the build tree's app/stevedore
    // has no share/ beside it, so only the built-in copy matches there).
    const QString installed
        = QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../share/stevedore/translations"));
    return { installed, QStringLiteral(":/i18n") };
}

QString install(const QLocale& locale)
{
    QCoreApplication* app = QCoreApplication::instance();
    if (!app)
        return {};
    // Qt's catalogue: Debian's qt6-translations-l10n. Missing is not an
    // error; Qt's strings then stay English.
    auto* qt = new QTranslator(app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;

    for (const QString& dir : searchPath()) {
        auto* own = new QTranslator(app);
        if (own->load(locale, QStringLiteral("stevedore"), QStringLiteral("_"), dir)) {
            QCoreApplication::installTranslator(own);
            return own->filePath();
        }
        delete own;
    }
    return {};
}

} // namespace Translations

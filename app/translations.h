#pragma once

#include <QLocale>
#include <QString>

// The user's language (docs/translation.md): the program's catalogue
// (stevedore_<lang>.qm) and Qt's own (qtbase_<lang>.qm, for the strings Qt
// draws itself: QCommandLineParser's "Usage:", dialog buttons) are installed
// into the running application. Every string the user reads goes through
// tr(); with no catalogue for the locale the English source strings stay.
namespace Translations {

// Installs both catalogues for `locale` (by default the system's, from
// LANGUAGE, LC_ALL, LC_MESSAGES or LANG) into the QCoreApplication that
// exists, parented to it. Returns the program catalogue's file name, empty
// when English stays. Call once per application object.
QString install(const QLocale& locale = QLocale());

// Where the program's catalogues are looked for, first match wins:
// <prefix>/share/stevedore/translations next to the binary's prefix (what
// the package installs; a newer .qm dropped there is used without a
// rebuild), then the copy built into the binary (:/i18n), so a build tree
// and the tests need no installation.
QStringList searchPath();

} // namespace Translations

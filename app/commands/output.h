#pragma once

#include <QString>

// The program's two streams. Only the program (main, commands/, headless/)
// writes to them; the libraries under core/ return values and typed errors.
namespace Output {
// "stevedore: MESSAGE\n" on stderr: every error and note of the command line.
void error(const QString& message);
// TEXT as it is on stdout, flushed (a pipe or the journal sees it at once).
void print(const QString& text);
// TEXT and a line break on stdout, flushed.
void printLine(const QString& text);
} // namespace Output

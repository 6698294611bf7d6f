#pragma once

#include "core/alerts/evaluator.h"

#include <QDialog>
#include <QPointer>

class Engine;
class QLabel;
class QListWidget;
class QPlainTextEdit;
struct Snapshot;

// Alerts ▸ Edit rules…: the rules file as text, checked with the same parser
// as the service (the first refusal names its line, and the cursor goes
// there), tested against the last 15 minutes of the stored log ("would have
// fired at ..."), and saved (atomically) then reloaded. Rules are added,
// edited and disabled ("enabled": false) in the text.
class RulesEditor : public QDialog
{
    Q_OBJECT
public:
    explicit RulesEditor(Engine* engine, QWidget* parent = nullptr);

    QPlainTextEdit* editor() const { return m_text; }
    QLabel* status() const { return m_status; }
    QListWidget* results() const { return m_results; }
    QString path() const { return m_path; }

    bool check();
    // Replays the rules over the stored log of the last 15 minutes.
    void test();
    void testOn(const QList<Snapshot>& history);
    bool save();

private:
    std::optional<RuleSet> parsed();

    QPointer<Engine> m_engine;
    QString m_path;
    QPlainTextEdit* m_text;
    QLabel* m_status;
    QListWidget* m_results;
};

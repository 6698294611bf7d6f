#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

// How the receiver gets charts drawn without drawing them itself: QtCharts
// needs a QApplication, which the headless service does not have. The front
// end plugs in a renderer: the GUI one that draws in process
// (FunctionChartRenderer), the headless one that runs
// `stevedore --export-charts DIR --data-dir D` as a child process
// (ProcessChartRenderer).
class ChartRenderer
{
public:
    // files: what was written (absolute paths); error: empty on success.
    using Done = std::function<void(const QStringList& files, const QString& error)>;

    virtual ~ChartRenderer() = default;
    // Renders the charts for the log in dataDir into outDir (created if
    // needed). Calls `done` exactly once, on the caller's thread, possibly
    // before returning. Never called again before `done` ran (the receiver
    // coalesces requests).
    virtual void render(const QString& dataDir, const QString& outDir, Done done) = 0;
};

// In-process rendering: the function draws into outDir and returns the files
// it wrote, or fills `error`. It runs on the receiver's thread (the GUI
// thread in the desktop app).
class FunctionChartRenderer : public ChartRenderer
{
public:
    using Function = std::function<QStringList(const QString& outDir, QString* error)>;
    explicit FunctionChartRenderer(Function function);
    void render(const QString& dataDir, const QString& outDir, Done done) override;

private:
    Function m_function;
};

// Runs `program [prefixArguments...] --export-charts OUTDIR --data-dir DATADIR`
// without blocking the event loop, with QT_QPA_PLATFORM=offscreen, killed
// after timeoutMs. The files are the lines of its standard output that name
// existing files, or else the files in OUTDIR it wrote (newer than its start).
// A non-zero exit, a crash or a timeout is an error carrying its stderr.
class ProcessChartRenderer : public QObject, public ChartRenderer
{
    Q_OBJECT
public:
    explicit ProcessChartRenderer(QString program, QStringList prefixArguments = {}, int timeoutMs = 120000,
                                  QObject* parent = nullptr);
    // This very executable (QCoreApplication::applicationFilePath()).
    static std::shared_ptr<ProcessChartRenderer> forThisExecutable();

    void render(const QString& dataDir, const QString& outDir, Done done) override;

private:
    QString m_program;
    QStringList m_prefix;
    int m_timeoutMs;
};

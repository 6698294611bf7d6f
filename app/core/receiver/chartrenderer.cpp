#include "core/receiver/chartrenderer.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QPointer>
#include <QProcess>
#include <QTimer>

FunctionChartRenderer::FunctionChartRenderer(Function function)
    : m_function(std::move(function))
{ }

void FunctionChartRenderer::render(const QString& dataDir, const QString& outDir, Done done)
{
    Q_UNUSED(dataDir)
    QString error;
    if (!QDir().mkpath(outDir)) {
        done({}, QStringLiteral("cannot create %1").arg(outDir));
        return;
    }
    const QStringList files = m_function ? m_function(outDir, &error) : QStringList();
    if (!m_function)
        error = QStringLiteral("no chart renderer function");
    done(error.isEmpty() ? files : QStringList(), error);
}

ProcessChartRenderer::ProcessChartRenderer(QString program, QStringList prefixArguments, int timeoutMs, QObject* parent)
    : QObject(parent)
    , m_program(std::move(program))
    , m_prefix(std::move(prefixArguments))
    , m_timeoutMs(timeoutMs)
{ }

std::shared_ptr<ProcessChartRenderer> ProcessChartRenderer::forThisExecutable()
{
    return std::make_shared<ProcessChartRenderer>(QCoreApplication::applicationFilePath());
}

void ProcessChartRenderer::render(const QString& dataDir, const QString& outDir, Done done)
{
    if (!QDir().mkpath(outDir)) {
        done({}, QStringLiteral("cannot create %1").arg(outDir));
        return;
    }
    auto* proc = new QProcess(this);
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    proc->setProcessEnvironment(env);
    proc->setProgram(m_program);
    proc->setArguments(
        m_prefix + QStringList { QStringLiteral("--export-charts"), outDir, QStringLiteral("--data-dir"), dataDir });
    // mtime resolution: allow a second of slack when looking for new files.
    const QDateTime started = QDateTime::currentDateTime().addSecs(-1);
    auto* timer = new QTimer(proc);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, proc, [proc] { proc->kill(); });
    auto finish = std::make_shared<Done>(std::move(done));
    auto complete = [proc, finish, outDir, started, timer](const QString& error) {
        if (!*finish)
            return;
        const Done cb = std::move(*finish);
        *finish = nullptr;
        QStringList files;
        if (error.isEmpty()) {
            const QStringList lines = QString::fromLocal8Bit(proc->readAllStandardOutput()).split(QLatin1Char('\n'));
            for (const QString& line : lines) {
                const QFileInfo info(line.trimmed());
                if (!line.trimmed().isEmpty() && info.isFile())
                    files.append(info.absoluteFilePath());
            }
            if (files.isEmpty()) {
                const auto entries = QDir(outDir).entryInfoList(QDir::Files, QDir::Name);
                for (const QFileInfo& info : entries) {
                    if (info.lastModified() >= started)
                        files.append(info.absoluteFilePath());
                }
            }
        }
        timer->stop();
        proc->deleteLater();
        cb(files, error);
    };
    connect(proc, &QProcess::finished, this, [proc, complete, timer, this](int code, QProcess::ExitStatus status) {
        const QString err = QString::fromLocal8Bit(proc->readAllStandardError()).trimmed().right(2000);
        if (status != QProcess::NormalExit)
            complete(timer->isActive()
                         ? QStringLiteral("%1 crashed: %2").arg(m_program, err)
                         : QStringLiteral("%1 did not finish within %2 ms").arg(m_program).arg(m_timeoutMs));
        else if (code != 0)
            complete(QStringLiteral("%1 exited with %2: %3").arg(m_program).arg(code).arg(err));
        else
            complete(QString());
    });
    connect(proc, &QProcess::errorOccurred, this, [proc, complete](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            complete(QStringLiteral("cannot run %1: %2").arg(proc->program(), proc->errorString()));
    });
    timer->start(m_timeoutMs);
    proc->start();
}

#include "GenrePanel.h"

#include "ChartAxes.h"

#include "GenrePalette.h"
#include "GenreTimelineView.h"
#include "workflow/SongSummary.h"

#include <QBarCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QHorizontalStackedBarSeries>
#include <QBarSet>
#include <QLabel>
#include <QValueAxis>
#include <QVBoxLayout>

namespace genrescope::app {

/// One model's ten probabilities as horizontal bars, one colour per genre.
class ProbabilityChart : public QChartView {
public:
    ProbabilityChart(const QString& title, QWidget* parent) : QChartView(parent), title_(title)
    {
        setRenderHint(QPainter::Antialiasing);
        setMinimumSize(180, 200);
        auto* c = new QChart;
        c->setTitle(title);
        c->legend()->hide();
        c->setMargins(QMargins(2, 2, 2, 2));
        c->setBackgroundRoundness(0);
        setChart(c);
    }

    void setProbabilities(const std::vector<float>& p, const QStringList& classes)
    {
        QChart* c = chart();
        c->removeAllSeries();
        deleteAxes(c);
        if (p.empty()) {
            c->setTitle(tr("%1: none").arg(title_));
            return;
        }
        const auto [top, topP] = classify::topClass(p);
        c->setTitle(QStringLiteral("%1: %2 %3 %").arg(title_, classes[top]).arg(std::lround(100.0 * topP)));
        auto* series = new QHorizontalStackedBarSeries;
        series->setBarWidth(0.8);
        QStringList categories;
        for (int k = classes.size() - 1; k >= 0; --k)  // first genre at the top
            categories << classes[k];
        for (int g = 0; g < classes.size(); ++g) {
            auto* set = new QBarSet(classes[g]);
            set->setColor(genreColor(classes[g]));
            set->setBorderColor(genreColor(classes[g]).darker(130));
            for (int k = classes.size() - 1; k >= 0; --k)
                *set << (k == g ? 100.0 * p[size_t(g)] : 0.0);
            series->append(set);
        }
        c->addSeries(series);
        auto* y = new QBarCategoryAxis;
        y->append(categories);
        auto* x = new QValueAxis;
        x->setRange(0, 100);
        x->setTickCount(3);
        x->setLabelFormat(QStringLiteral("%d %%"));
        c->addAxis(y, Qt::AlignLeft);
        c->addAxis(x, Qt::AlignBottom);
        series->attachAxis(y);
        series->attachAxis(x);
    }

private:
    QString title_;
};

GenrePanel::GenrePanel(QWidget* parent)
    : QWidget(parent),
      mlp_(new ProbabilityChart(tr("MLP"), this)),
      cnn_(new ProbabilityChart(tr("CNN"), this)),
      ensemble_(new ProbabilityChart(tr("Ensemble"), this)),
      warning_(new QLabel(this)),
      now_(new QLabel(this)),
      summary_(new QLabel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    warning_->setWordWrap(true);
    warning_->setStyleSheet(QStringLiteral("background:#6b4e00; color:#fff4d6; padding:6px; border-radius:4px;"));
    warning_->hide();
    summary_->setWordWrap(true);
    now_->setWordWrap(true);
    auto* row = new QHBoxLayout;
    row->addWidget(mlp_);
    row->addWidget(cnn_);
    row->addWidget(ensemble_);
    layout->addWidget(warning_);
    layout->addLayout(row, 1);
    layout->addWidget(now_);
    layout->addWidget(summary_);
    setPrediction(nullptr);
}

QList<QWidget*> GenrePanel::charts() const
{
    return {mlp_, cnn_, ensemble_};
}

void GenrePanel::setPrediction(const classify::SongPrediction* p, const QString& note)
{
    hasPrediction_ = p != nullptr;
    prediction_ = p ? *p : classify::SongPrediction{};
    mlp_->setProbabilities(prediction_.mlp, prediction_.classes);
    cnn_->setProbabilities(prediction_.cnn, prediction_.classes);
    ensemble_->setProbabilities(prediction_.ensemble, prediction_.classes);
    warning_->setVisible(prediction_.unusual);
    warning_->setText(tr("⚠ Unusual audio. %1").arg(prediction_.unusualReason));
    now_->clear();
    if (!p) {
        summary_->setText(note.isEmpty() ? tr("No genre yet.") : tr("No genre: %1").arg(note));
        return;
    }
    summary_->setText(tr("%n window(s) of 30 s, 15 s apart; ensemble = %1 × MLP + %2 × CNN.", "", int(p->windows.size()))
                          .arg(p->mlpWeight, 0, 'f', 2).arg(1.0 - p->mlpWeight, 0, 'f', 2));
}

void GenrePanel::setPlayhead(double seconds)
{
    if (!hasPrediction_ || prediction_.windows.size() < 2) {
        now_->clear();
        return;
    }
    const int i = classify::windowAt(prediction_, seconds);
    if (i < 0)
        return;
    const auto& w = prediction_.windows[size_t(i)];
    now_->setText(tr("<b>Now</b> (%1–%2 s): %3").arg(w.start, 0, 'f', 0).arg(w.end, 0, 'f', 0)
                      .arg(workflow::describeProbabilities(w.ensemble, prediction_.classes)));
}

} // namespace genrescope::app

#include "GenrePanel.h"

#include "ChartAxes.h"

#include "workflow/SongSummary.h"
#include "workflow/TimeText.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QLegend>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <numeric>

namespace genrescope::app {
namespace {

struct ModelBars {
    QString name;
    const std::vector<float>* probabilities;
    QColor colour;
};

QString topText(const QString& model, const std::vector<float>& p, const QStringList& classes)
{
    return QStringLiteral("%1: %2").arg(model, workflow::describeProbabilities(p, classes, 1));
}

} // namespace

GenrePanel::GenrePanel(QWidget* parent)
    : QWidget(parent), chart_(new QChartView(this)), verdict_(new QLabel(this)), now_(new QLabel(this)),
      summary_(new QLabel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    verdict_->setObjectName(QStringLiteral("genreVerdict"));
    verdict_->setWordWrap(true);
    verdict_->setStyleSheet(QStringLiteral("background:#6b4e00; color:#fff4d6; padding:6px; border-radius:4px;"));
    verdict_->hide();
    chart_->setObjectName(QStringLiteral("genreChart"));
    chart_->setRenderHint(QPainter::Antialiasing);
    chart_->setMinimumSize(220, 240);
    auto* c = new QChart;
    c->setMargins(QMargins(2, 2, 2, 2));
    c->setBackgroundRoundness(0);
    c->legend()->setAlignment(Qt::AlignBottom);
    chart_->setChart(c);
    now_->setObjectName(QStringLiteral("genreNow"));
    now_->setWordWrap(true);
    summary_->setObjectName(QStringLiteral("genreSummary"));
    summary_->setWordWrap(true);
    layout->addWidget(verdict_);
    layout->addWidget(chart_, 1);
    layout->addWidget(now_);
    layout->addWidget(summary_);
    setPrediction(nullptr);
}

QList<QWidget*> GenrePanel::charts() const
{
    return {chart_};
}

void GenrePanel::showProbabilities()
{
    QChart* c = chart_->chart();
    c->removeAllSeries();
    deleteAxes(c);
    const QStringList& classes = prediction_.classes;
    const bool unusual = prediction_.unusual;
    std::vector<ModelBars> models;
    for (const ModelBars& m : {ModelBars{tr("MLP"), &prediction_.mlp, QColor(90, 150, 220)},
                               ModelBars{tr("CNN"), &prediction_.cnn, QColor(220, 140, 60)},
                               ModelBars{tr("Ensemble"), &prediction_.ensemble, QColor(80, 170, 100)}})
        if (m.probabilities->size() == size_t(classes.size()) && !classes.isEmpty())
            models.push_back(m);
    if (models.empty()) {
        c->setTitle(hasPrediction_ ? tr("No probabilities") : QString());
        c->legend()->hide();
        return;
    }
    // Best genre (of the ensemble, or the one model there is) at the top.
    const std::vector<float>& key = *models.back().probabilities;
    std::vector<int> order(size_t(classes.size()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return key[size_t(a)] > key[size_t(b)]; });
    std::reverse(order.begin(), order.end());  // a bar series draws its first category at the bottom

    QStringList title;
    if (unusual)
        title << tr("Unusual audio: no genre can be trusted");
    else
        for (const ModelBars& m : models)
            title << topText(m.name, *m.probabilities, classes);
    if (!unusual && models.size() > 1)
        title.move(title.size() - 1, 0);  // the ensemble's first
    c->setTitle(title.join(QStringLiteral(" · ")));

    auto* series = new QHorizontalBarSeries;
    series->setBarWidth(0.85);
    for (const ModelBars& m : models) {  // the last set (the ensemble) is drawn on top in each group
        auto* set = new QBarSet(m.name);
        // Unusual audio: each model in its own grey, told apart by the legend, none in colour.
        const QColor colour = unusual ? QColor::fromHsl(0, 0, 150 + 15 * int(series->count())) : m.colour;
        set->setColor(colour);
        set->setBorderColor(colour.darker(130));
        for (int k : order)
            *set << 100.0 * (*m.probabilities)[size_t(k)];
        series->append(set);
    }
    c->addSeries(series);
    auto* y = new QBarCategoryAxis;
    for (int k : order)
        y->append(classes[k]);
    auto* x = new QValueAxis;
    x->setRange(0, 100);
    x->setTickCount(5);
    x->setLabelFormat(QStringLiteral("%d %%"));
    x->setLabelsVisible(!unusual);  // no number claims confidence for unusual audio
    c->addAxis(y, Qt::AlignLeft);
    c->addAxis(x, Qt::AlignBottom);
    series->attachAxis(y);
    series->attachAxis(x);
    c->legend()->setVisible(true);
}

void GenrePanel::setPrediction(const classify::SongPrediction* p, const QString& note)
{
    hasPrediction_ = p != nullptr;
    prediction_ = p ? *p : classify::SongPrediction{};
    showProbabilities();
    verdict_->setVisible(prediction_.unusual);
    verdict_->setText(tr("⚠ <b>Unusual audio: no genre can be trusted.</b><br>%1").arg(prediction_.unusualReason.toHtmlEscaped()));
    now_->clear();
    if (!p) {
        summary_->setText(note.isEmpty() ? tr("No genre yet.") : tr("No genre: %1").arg(note));
        return;
    }
    summary_->setText(tr("%1; ensemble = %2 × MLP + %3 × CNN.")
                          .arg(workflow::describeWindows(*p))
                          .arg(p->mlpWeight, 0, 'f', 2).arg(1.0 - p->mlpWeight, 0, 'f', 2));
}

void GenrePanel::setPlayhead(double seconds)
{
    if (!hasPrediction_ || prediction_.unusual || prediction_.windows.size() < 2) {
        now_->clear();
        return;
    }
    const int i = classify::windowAt(prediction_, seconds);
    if (i < 0)
        return;
    const auto& w = prediction_.windows[size_t(i)];
    now_->setText(tr("<b>Now</b> (%1): %2").arg(workflow::spanText(w.start, w.end),
                                              workflow::describeProbabilities(w.ensemble, prediction_.classes)));
}

} // namespace genrescope::app

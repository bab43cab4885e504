#include "workflow/TimeText.h"

#include <algorithm>
#include <cmath>

namespace genrescope::workflow {

QString clockText(double seconds, int decimals, bool withHours)
{
    decimals = std::clamp(decimals, 0, 3);
    if (!std::isfinite(seconds))
        seconds = 0;
    const QString sign = seconds < 0 ? QStringLiteral("-") : QString();
    long long scale = 1;
    for (int i = 0; i < decimals; ++i)
        scale *= 10;
    const long long units = std::llround(std::abs(seconds) * double(scale));  // rounded once, so 59.96 is 1:00.0
    const long long whole = units / scale;
    const long long hours = whole / 3600, minutes = whole / 60 % 60, secs = whole % 60;
    QString text = sign;
    if (hours > 0 || withHours)
        text += QStringLiteral("%1:%2:").arg(hours).arg(minutes, 2, 10, QLatin1Char('0'));
    else
        text += QStringLiteral("%1:").arg(minutes);
    text += QStringLiteral("%1").arg(secs, 2, 10, QLatin1Char('0'));
    if (decimals > 0)
        text += QStringLiteral(".%1").arg(units % scale, decimals, 10, QLatin1Char('0'));
    return text;
}

QString spanText(double start, double end)
{
    const auto whole = [](double t) { return std::abs(t - std::round(t)) < 0.05; };
    const int decimals = whole(start) && whole(end) ? 0 : 1;
    return QStringLiteral("%1–%2").arg(clockText(start, decimals), clockText(end, decimals));
}

const std::vector<double>& rulerSteps()
{
    static const std::vector<double> steps = [] {
        std::vector<double> s;
        for (double decade = 0.001; decade < 5.0; decade *= 10)
            for (double m : {1.0, 2.0, 5.0})
                s.push_back(m * decade);
        for (double t : {10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0})
            s.push_back(t);
        for (double hours = 1; hours < 1e6; hours *= 10)
            for (double m : {1.0, 2.0, 5.0})
                s.push_back(m * hours * 3600.0);
        return s;
    }();
    return steps;
}

int stepDecimals(double step)
{
    if (step >= 1.0 - 1e-9)
        return 0;
    return std::clamp(int(std::ceil(-std::log10(step) - 1e-9)), 1, 3);
}

namespace {
TimeRuler rulerOfStep(double start, double end, double step)
{
    TimeRuler ruler;
    ruler.step = step;
    const int decimals = stepDecimals(step);
    const bool hours = end >= 3600.0;
    for (double k = std::ceil(start / step - 1e-9); k * step <= end + 1e-9 * step; k += 1) {
        ruler.ticks.push_back(k * step);
        ruler.labels << clockText(k * step, decimals, hours);
    }
    return ruler;
}
} // namespace

TimeRuler timeRuler(double start, double end, double pixels,
                    const std::function<double(const QString&)>& labelWidth, double gap)
{
    if (!(end > start) || !(pixels > 0) || !std::isfinite(end - start))
        return {};
    const double stepPixels = pixels / (end - start);  // per second
    for (double step : rulerSteps()) {
        // A quick look first, so only a few rulers are laid out: no label is much narrower
        // than those of the view's ends.
        const int decimals = stepDecimals(step);
        const double narrowest = std::min(labelWidth(clockText(end, decimals)), labelWidth(clockText(start, decimals, end >= 3600.0)));
        if (step * stepPixels < 0.8 * narrowest + gap)
            continue;
        TimeRuler ruler = rulerOfStep(start, end, step);
        bool apart = true;  // centred labels: neighbours keep `gap` between them
        for (qsizetype i = 1; i < ruler.labels.size() && apart; ++i)
            apart = step * stepPixels >= (labelWidth(ruler.labels[i - 1]) + labelWidth(ruler.labels[i])) / 2 + gap;
        if (apart)
            return ruler;
    }
    return rulerOfStep(start, end, rulerSteps().back());
}

} // namespace genrescope::workflow

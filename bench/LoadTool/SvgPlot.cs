using System.Globalization;
using System.Text;

namespace OrleansInference.LoadTool;

/// <summary>A hand-written SVG of the batch-size curve: throughput (left) and latency (right) against batch size.</summary>
internal static class SvgPlot
{
    private const int PanelWidth = 420;
    private const int PanelHeight = 300;
    private const int Margin = 60;

    public static string BatchCurve(IReadOnlyList<BatchCurvePoint> points, int hidden)
    {
        var svg = new StringBuilder();
        var width = (2 * PanelWidth) + (3 * Margin);
        var height = PanelHeight + (2 * Margin) + 30;
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">Batch size vs throughput and latency: MLP 64-{hidden}-{hidden}-10, measured</text>\n");
        var batches = points.Select(p => (double)p.BatchSize).ToArray();
        Panel(svg, Margin, Margin, "throughput (rows/s = req/s), log scale", batches,
        [
            ("raw ORT rows/s", "#1f77b4", points.Select(p => p.RawRowsPerSecond).ToArray(), false),
            ("grid req/s", "#d62728", points.Select(p => p.GridThroughput).ToArray(), false),
        ]);
        Panel(svg, (2 * Margin) + PanelWidth, Margin, "latency (ms), log scale", batches,
        [
            ("raw ORT run p50", "#1f77b4", points.Select(p => p.RawRunP50Ms).ToArray(), false),
            ("grid p50", "#d62728", points.Select(p => p.GridP50Ms).ToArray(), false),
            ("grid p99", "#ff7f0e", points.Select(p => p.GridP99Ms).ToArray(), true),
        ]);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Panel(StringBuilder svg, int left, int top, string title, double[] xs, (string Name, string Color, double[] Ys, bool Dashed)[] series)
    {
        var all = series.SelectMany(s => s.Ys).Where(v => v > 0).ToArray();
        var yMin = Math.Pow(10, Math.Floor(Math.Log10(all.Min())));
        var yMax = Math.Pow(10, Math.Ceiling(Math.Log10(all.Max())));
        var xMin = Math.Log2(xs.Min());
        var xMax = Math.Max(xMin + 1, Math.Log2(xs.Max()));
        double X(double x) => left + ((Math.Log2(x) - xMin) / (xMax - xMin) * PanelWidth);
        double Y(double y) => top + PanelHeight - ((Math.Log10(Math.Max(y, yMin)) - Math.Log10(yMin)) / (Math.Log10(yMax) - Math.Log10(yMin)) * PanelHeight);

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + (PanelWidth / 2)}\" y=\"{top - 10}\" text-anchor=\"middle\">{title}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{top}\" width=\"{PanelWidth}\" height=\"{PanelHeight}\" fill=\"none\" stroke=\"#444\"/>\n");
        for (var decade = yMin; decade <= yMax * 1.0001; decade *= 10)
        {
            var y = Y(decade);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{y:0.0}\" x2=\"{left + PanelWidth}\" y2=\"{y:0.0}\" stroke=\"#ddd\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 5}\" y=\"{y + 4:0.0}\" text-anchor=\"end\">{Label(decade)}</text>\n");
        }

        foreach (var x in xs)
        {
            var px = X(x);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{px:0.0}\" y1=\"{top}\" x2=\"{px:0.0}\" y2=\"{top + PanelHeight}\" stroke=\"#eee\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{px:0.0}\" y=\"{top + PanelHeight + 16}\" text-anchor=\"middle\">{x}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + (PanelWidth / 2)}\" y=\"{top + PanelHeight + 34}\" text-anchor=\"middle\">batch size (raw ORT) / max_batch_size (grid)</text>\n");
        for (var s = 0; s < series.Length; s++)
        {
            var (name, color, ys, dashed) = series[s];
            var path = string.Join(" ", xs.Select((x, i) => string.Create(CultureInfo.InvariantCulture, $"{X(x):0.0},{Y(ys[i]):0.0}")));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"{(dashed ? " stroke-dasharray=\"6 4\"" : string.Empty)}/>\n");
            for (var i = 0; i < xs.Length; i++)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(xs[i]):0.0}\" cy=\"{Y(ys[i]):0.0}\" r=\"3\" fill=\"{color}\"/>");
            }

            var legendY = top + 16 + (s * 16);
            svg.Append(CultureInfo.InvariantCulture, $"\n<line x1=\"{left + 10}\" y1=\"{legendY - 4}\" x2=\"{left + 30}\" y2=\"{legendY - 4}\" stroke=\"{color}\" stroke-width=\"2\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + 35}\" y=\"{legendY}\">{name}</text>\n");
        }
    }

    private static string Label(double value) => value switch
    {
        >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{value / 1e6:0.#}M"),
        >= 1e3 => string.Create(CultureInfo.InvariantCulture, $"{value / 1e3:0.#}k"),
        _ => value.ToString("0.###", CultureInfo.InvariantCulture),
    };
}

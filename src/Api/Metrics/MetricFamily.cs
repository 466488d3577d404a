using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace OrleansInference.Api.Metrics;

/// <summary>The Prometheus view of one instrument: its name, type, help and labelled series.</summary>
internal sealed class MetricFamily
{
    private static readonly double[] SecondsBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] DefaultBuckets = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

    private readonly object _gate = new();
    private readonly Kind _kind;
    private readonly bool _cumulative;
    private readonly double[] _bounds;
    private MetricSeries[] _series = [];

    private MetricFamily(string name, string help, Kind kind, bool cumulative, double[] bounds)
    {
        Name = name;
        Help = help;
        _kind = kind;
        _cumulative = cumulative;
        _bounds = bounds;
    }

    private enum Kind
    {
        Counter,
        Gauge,
        Histogram,
    }

    public string Name { get; }

    public string Help { get; }

    public static MetricFamily Create(Instrument instrument)
    {
        var type = instrument.GetType().GetGenericTypeDefinition();
        var (kind, cumulative) = type switch
        {
            _ when type == typeof(Counter<>) => (Kind.Counter, false),
            _ when type == typeof(ObservableCounter<>) => (Kind.Counter, true),
            _ when type == typeof(UpDownCounter<>) => (Kind.Gauge, false),
            _ when type == typeof(Histogram<>) => (Kind.Histogram, false),
            _ => (Kind.Gauge, true),
        };
        var bounds = kind == Kind.Histogram ? BucketsOf(instrument) : [];
        var name = PrometheusName(instrument.Name, instrument.Unit, kind == Kind.Counter);
        return new MetricFamily(name, instrument.Description ?? instrument.Name, kind, cumulative, bounds);
    }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = Find(tags);
        switch (_kind)
        {
            case Kind.Histogram:
                series.Observe(value, _bounds);
                break;
            case Kind.Counter or Kind.Gauge when !_cumulative:
                series.Add(value);
                break;
            default:
                series.Set(value);
                break;
        }
    }

    public void Write(StringBuilder output)
    {
        var series = Volatile.Read(ref _series);
        if (series.Length == 0)
        {
            return;
        }

        output.Append("# HELP ").Append(Name).Append(' ').Append(Help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        output.Append("# TYPE ").Append(Name).Append(' ').Append(_kind.ToString().ToLowerInvariant()).Append('\n');
        foreach (var s in series)
        {
            if (_kind != Kind.Histogram)
            {
                WriteSample(output, Name, s.Labels, null, s.Value);
                continue;
            }

            long cumulative = 0;
            for (var i = 0; i <= _bounds.Length; i++)
            {
                cumulative += s.BucketCount(i);
                var le = i < _bounds.Length ? Format(_bounds[i]) : "+Inf";
                WriteSample(output, Name + "_bucket", s.Labels, le, cumulative);
            }

            WriteSample(output, Name + "_sum", s.Labels, null, s.Sum);
            WriteSample(output, Name + "_count", s.Labels, null, s.Count);
        }
    }

    private MetricSeries Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var s in Volatile.Read(ref _series))
        {
            if (s.Matches(tags))
            {
                return s;
            }
        }

        lock (_gate)
        {
            foreach (var s in _series)
            {
                if (s.Matches(tags))
                {
                    return s;
                }
            }

            var labels = new KeyValuePair<string, string>[tags.Length];
            for (var i = 0; i < tags.Length; i++)
            {
                labels[i] = new(tags[i].Key, tags[i].Value as string ?? Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? string.Empty);
            }

            var created = new MetricSeries(labels, _kind == Kind.Histogram ? _bounds.Length : 0);
            Volatile.Write(ref _series, [.. _series, created]);
            return created;
        }
    }

    private static void WriteSample(StringBuilder output, string name, KeyValuePair<string, string>[] labels, string? le, double value)
    {
        output.Append(name);
        if (labels.Length > 0 || le is not null)
        {
            output.Append('{');
            var first = true;
            foreach (var (key, labelValue) in labels)
            {
                AppendLabel(output, Sanitize(key), labelValue, ref first);
            }

            if (le is not null)
            {
                AppendLabel(output, "le", le, ref first);
            }

            output.Append('}');
        }

        output.Append(' ').Append(Format(value)).Append('\n');
    }

    private static void AppendLabel(StringBuilder output, string key, string value, ref bool first)
    {
        if (!first)
        {
            output.Append(',');
        }

        first = false;
        output.Append(key).Append("=\"")
            .Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
            .Append('"');
    }

    private static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static double[] BucketsOf(Instrument instrument) => instrument switch
    {
        Histogram<double> { Advice.HistogramBucketBoundaries: { Count: > 0 } b } => [.. b],
        Histogram<long> { Advice.HistogramBucketBoundaries: { Count: > 0 } b } => [.. b.Select(v => (double)v)],
        Histogram<int> { Advice.HistogramBucketBoundaries: { Count: > 0 } b } => [.. b.Select(v => (double)v)],
        _ when instrument.Unit == "s" => SecondsBuckets,
        _ => DefaultBuckets,
    };

    /// <summary>OpenTelemetry-style names to Prometheus: dots to underscores, the unit as a suffix, <c>_total</c> on counters.</summary>
    internal static string PrometheusName(string name, string? unit, bool counter)
    {
        var result = Sanitize(name);
        var suffix = unit switch
        {
            "s" => "_seconds",
            "ms" => "_milliseconds",
            "By" => "_bytes",
            _ => string.Empty,
        };
        if (suffix.Length > 0 && !result.EndsWith(suffix, StringComparison.Ordinal))
        {
            result += suffix;
        }

        return counter && !result.EndsWith("_total", StringComparison.Ordinal) ? result + "_total" : result;
    }

    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return builder.ToString();
    }
}

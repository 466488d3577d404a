using System.Text;

namespace OrleansInference.Grains.Generation;

/// <summary>
/// The text a sequence has generated and how much of it may be sent: text that could still become a stop sequence is
/// held back until the next token decides; a completed stop sequence ends the text before it. One per sequence.
/// </summary>
internal sealed class StopMatcher
{
    private readonly IReadOnlyList<string> _stops;
    private readonly StringBuilder _text = new();
    private int _sent;

    public StopMatcher(IReadOnlyList<string>? stops) => _stops = stops ?? [];

    /// <summary>True once a stop sequence was generated.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Appends a token's text; returns the text that can be sent now (possibly empty).</summary>
    public string Append(string token)
    {
        _text.Append(token);
        if (_stops.Count == 0)
        {
            _sent = _text.Length;
            return token;
        }

        var text = _text.ToString();
        foreach (var stop in _stops)
        {
            var from = Math.Max(0, _sent - stop.Length);
            var at = text.IndexOf(stop, from, StringComparison.Ordinal);
            if (at >= 0)
            {
                Stopped = true;
                return Take(text, Math.Max(at, _sent));
            }
        }

        // Hold back the longest tail that is the start of a stop sequence.
        var hold = 0;
        foreach (var stop in _stops)
        {
            for (var length = Math.Min(stop.Length - 1, text.Length - _sent); length > hold; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    hold = length;
                    break;
                }
            }
        }

        return Take(text, text.Length - hold);
    }

    /// <summary>Whatever was held back, when the sequence ends for another reason.</summary>
    public string Flush() => Stopped ? string.Empty : Take(_text.ToString(), _text.Length);

    private string Take(string text, int end)
    {
        var start = _sent;
        _sent = Math.Max(_sent, end);
        return end > start ? text[start..end] : string.Empty;
    }
}

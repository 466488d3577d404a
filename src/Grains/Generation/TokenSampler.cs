namespace OrleansInference.Grains.Generation;

/// <summary>
/// Picks the next token of one sequence from its logits: greedy at temperature 0, otherwise softmax at the
/// temperature, restricted to the top k and the top-p nucleus, drawn from the sequence's own seeded generator, so a
/// seed reproduces the same tokens for the same logits. One per sequence; not thread-safe.
/// </summary>
internal sealed class TokenSampler
{
    private readonly float _temperature;
    private readonly int _topK;
    private readonly float _topP;
    private readonly Random _random;
    private readonly float[] _probabilities;
    private readonly int[] _order;

    public TokenSampler(float temperature, int topK, float topP, long seed, int vocabularySize)
    {
        _temperature = temperature;
        _topK = topK;
        _topP = topP;
        // Random(int) is the seeded, documented-stable generator; the 64-bit seed is folded into it.
        _random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        _probabilities = new float[vocabularySize];
        _order = new int[vocabularySize];
    }

    public int Next(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        if (_temperature <= 0f)
        {
            return best;
        }

        // Softmax at the temperature, relative to the largest logit.
        var max = logits[best];
        var sum = 0.0;
        for (var i = 0; i < logits.Length; i++)
        {
            var p = MathF.Exp((logits[i] - max) / _temperature);
            _probabilities[i] = p;
            _order[i] = i;
            sum += p;
        }

        var count = logits.Length;
        if (_topK > 0 || _topP < 1f)
        {
            // Most likely first; ties by token id, so the order (and the draw) is deterministic.
            var probabilities = _probabilities;
            Array.Sort(_order, 0, count, Comparer<int>.Create((a, b) =>
            {
                var c = probabilities[b].CompareTo(probabilities[a]);
                return c != 0 ? c : a.CompareTo(b);
            }));
            if (_topK > 0)
            {
                count = Math.Min(count, _topK);
            }

            if (_topP < 1f)
            {
                var kept = 0.0;
                var total = 0.0;
                for (var i = 0; i < count; i++)
                {
                    total += _probabilities[_order[i]];
                }

                for (var i = 0; i < count; i++)
                {
                    kept += _probabilities[_order[i]];
                    if (kept >= _topP * total)
                    {
                        count = i + 1;
                        break;
                    }
                }
            }

            sum = 0.0;
            for (var i = 0; i < count; i++)
            {
                sum += _probabilities[_order[i]];
            }
        }

        var draw = _random.NextDouble() * sum;
        var acc = 0.0;
        for (var i = 0; i < count; i++)
        {
            acc += _probabilities[_order[i]];
            if (draw < acc)
            {
                return _order[i];
            }
        }

        return _order[count - 1];
    }
}

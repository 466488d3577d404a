using System.Text;

namespace OrleansInference.Client.Tests.Infrastructure;

/// <summary>The last lines a child process wrote (stdout and stderr interleaved), kept for failure messages.</summary>
internal sealed class ProcessOutput
{
    private const int MaxLines = 200;
    private readonly Queue<string> _lines = new();
    private readonly Lock _lock = new();

    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _lines.Enqueue(line);
            if (_lines.Count > MaxLines)
            {
                _lines.Dequeue();
            }
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            var text = new StringBuilder();
            foreach (var line in _lines)
            {
                text.AppendLine(line);
            }

            return text.ToString();
        }
    }
}

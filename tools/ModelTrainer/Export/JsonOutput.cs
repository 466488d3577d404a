using System.Text.Encodings.Web;
using System.Text.Json;

namespace OrleansInference.ModelTrainer.Export;

/// <summary>Shared settings so every generated JSON file is byte-identical on every platform.</summary>
internal static class JsonOutput
{
    public static JsonWriterOptions Options(bool indented) => new()
    {
        Indented = indented,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes a JSON document with <paramref name="write"/> and returns its UTF-8 bytes, newline-terminated.</summary>
    public static byte[] Write(bool indented, Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options(indented)))
        {
            write(writer);
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    public static void WriteArray(this Utf8JsonWriter writer, string name, IEnumerable<double> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteNumberValue(value);
        }

        writer.WriteEndArray();
    }

    public static void WriteArray(this Utf8JsonWriter writer, IEnumerable<double> values)
    {
        writer.WriteStartArray();
        foreach (var value in values)
        {
            writer.WriteNumberValue(value);
        }

        writer.WriteEndArray();
    }
}

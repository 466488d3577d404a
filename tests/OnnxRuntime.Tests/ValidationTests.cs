using OrleansInference.OnnxRuntime.Tests.Models;

namespace OrleansInference.OnnxRuntime.Tests;

public sealed class ValidationTests : IDisposable
{
    private readonly OrtEnvironment _environment = new();
    private readonly MlpModel _model = new();

    public void Dispose() => _environment.Dispose();

    [Fact]
    public void CreateSession_CorruptBytes_ThrowsInvalidProtobuf()
    {
        var bytes = (byte[])_model.Bytes.Clone();
        Array.Fill(bytes, (byte)0xFF, 0, 64);

        var error = Assert.Throws<OnnxRuntimeException>(() => _environment.CreateSession(bytes));

        Assert.Equal(OrtErrorCode.InvalidProtobuf, error.ErrorCode);
        Assert.Contains("protobuf parsing failed", error.Message, StringComparison.OrdinalIgnoreCase);
        AssertGoodSessionStillWorks();
    }

    [Fact]
    public void CreateSession_MissingFile_ThrowsNoSuchFile()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => _environment.CreateSession("/nonexistent/model.onnx"));
        Assert.Equal(OrtErrorCode.NoSuchFile, error.ErrorCode);
    }

    [Fact]
    public void Run_WrongInputName_NamesTheInputAndTheModelsInputs()
    {
        using var session = _environment.CreateSession(_model.Bytes);
        using var input = OrtValue.CreateTensor(new float[30], 1, 30);

        var error = Assert.Throws<ArgumentException>(() => session.Run(new Dictionary<string, OrtValue> { ["x"] = input }));

        Assert.StartsWith("Model input 'x' not found; the model's inputs are: [features].", error.Message, StringComparison.Ordinal);
        AssertRunWorks(session);
    }

    [Fact]
    public void Run_WrongShape_NamesExpectedAndActualShape()
    {
        using var session = _environment.CreateSession(_model.Bytes);
        using var input = OrtValue.CreateTensor(new float[29], 1, 29);

        var error = Assert.Throws<ArgumentException>(() => session.Run([input], new OrtValue?[1]));

        Assert.StartsWith("Input 'features' expects shape [N,30] (float32); got [1,29].", error.Message, StringComparison.Ordinal);
        AssertRunWorks(session);
    }

    [Fact]
    public void Run_WrongRank_Throws()
    {
        using var session = _environment.CreateSession(_model.Bytes);
        using var input = OrtValue.CreateTensor(new float[30], 30);

        var error = Assert.Throws<ArgumentException>(() => session.Run([input], new OrtValue?[1]));
        Assert.StartsWith("Input 'features' expects shape [N,30] (float32); got [30].", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_WrongElementType_NamesBothTypes()
    {
        using var session = _environment.CreateSession(_model.Bytes);
        using var input = OrtValue.CreateTensor(new long[30], 1, 30);

        var error = Assert.Throws<ArgumentException>(() => session.Run([input], new OrtValue?[1]));

        Assert.StartsWith("Input 'features' expects element type float32 with shape [N,30]; got int64.", error.Message, StringComparison.Ordinal);
        AssertRunWorks(session);
    }

    [Fact]
    public void Run_WrongInputCount_Throws()
    {
        using var session = _environment.CreateSession(_model.Bytes);
        var error = Assert.Throws<ArgumentException>(() => session.Run([], new OrtValue?[1]));
        Assert.StartsWith("The model takes 1 inputs [features]; got 0.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_PreallocatedOutputWithWrongShape_ThrowsOnnxRuntimeException()
    {
        using var session = _environment.CreateSession(_model.Bytes);
        using var input = OrtValue.CreateTensor(new float[30], 1, 30);
        using var output = OrtValue.CreateTensor(new float[3], 1, 3);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run([input], new OrtValue?[] { output }));
        Assert.NotEqual(OrtErrorCode.Ok, error.ErrorCode);
        AssertRunWorks(session);
    }

    [Fact]
    public void Run_UnknownOutputName_Throws()
    {
        using var session = _environment.CreateSession(_model.Bytes);
        using var input = OrtValue.CreateTensor(new float[30], 1, 30);
        var error = Assert.Throws<ArgumentException>(() => session.Run(new Dictionary<string, OrtValue> { ["features"] = input }, ["nope"]));
        Assert.StartsWith("Model output 'nope' not found; the model's outputs are: [probabilities].", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateTensor_ShapeDoesNotMatchBuffer_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => OrtValue.CreateTensor(new float[10], 2, 3));
        Assert.StartsWith("Shape [2,3] describes 6 elements; the buffer holds 10.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetTensorData_WrongType_Throws()
    {
        using var value = OrtValue.CreateTensor(new float[6], 2, 3);
        var error = Assert.Throws<InvalidOperationException>(() => value.GetTensorData<int>());
        Assert.Contains("float32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DisposedSession_Run_ThrowsObjectDisposed()
    {
        var session = _environment.CreateSession(_model.Bytes);
        session.Dispose();
        using var input = OrtValue.CreateTensor(new float[30], 1, 30);
        Assert.Throws<ObjectDisposedException>(() => session.Run([input], new OrtValue?[1]));
    }

    private void AssertGoodSessionStillWorks()
    {
        using var session = _environment.CreateSession(_model.Bytes);
        AssertRunWorks(session);
    }

    private void AssertRunWorks(InferenceSession session)
    {
        var features = MlpModel.CreateInput(2, seed: 11);
        using var input = OrtValue.CreateTensor(features, 2, MlpModel.Features);
        using var results = session.Run(new Dictionary<string, OrtValue> { [MlpModel.InputName] = input });
        MlpClassifierTests.AssertClose(_model.Reference(features, 2), results[0].GetTensorData<float>(), 1e-5f);
    }
}

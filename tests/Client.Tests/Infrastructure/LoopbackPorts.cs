using System.Net;
using System.Net.Sockets;

namespace OrleansInference.Client.Tests.Infrastructure;

/// <summary>Ports the OS reports free on 127.0.0.1, for processes that must be told their ports up front.</summary>
internal static class LoopbackPorts
{
    /// <summary>
    /// <paramref name="count"/> distinct ports, all held at once while chosen so they differ; released on return, so a
    /// process started right after can bind them.
    /// </summary>
    public static int[] Free(int count)
    {
        var sockets = new List<Socket>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            }

            return [.. sockets.Select(static s => ((IPEndPoint)s.LocalEndPoint!).Port)];
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }
}

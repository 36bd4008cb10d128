' Stand-in for %windir%\system32\slmgr.vbs: runs standin.exe with its arguments (which logs the
' call and follows the scenario), relays its output and exits with its exit code, the HRESULT,
' as the real slmgr.vbs does with WScript.Quit.
Option Explicit
Dim shell, fso, args, i, rc, outFile, stream
args = ""
For i = 0 To WScript.Arguments.Count - 1
    args = args & " " & WScript.Arguments(i)
Next
Set shell = CreateObject("WScript.Shell")
Set fso = CreateObject("Scripting.FileSystemObject")
outFile = "C:\bench\slmgr-output.txt"
rc = shell.Run("cmd /c C:\bench\standin.exe slmgr" & args & " >" & outFile & " 2>&1", 0, True)
If fso.FileExists(outFile) Then
    Set stream = fso.OpenTextFile(outFile, 1)
    If Not stream.AtEndOfStream Then WScript.Echo stream.ReadAll()
    stream.Close
End If
WScript.Quit rc

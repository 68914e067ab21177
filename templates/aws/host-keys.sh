
# Print the SSH host keys on the serial console, where `citystream deploy` reads them (GetConsoleOutput)
# to pin the host key before its first SSH connection. cloud-init prints them too; this is the fallback.
{
  echo '-----BEGIN SSH HOST KEY KEYS-----'
  cat /etc/ssh/ssh_host_*_key.pub
  echo '-----END SSH HOST KEY KEYS-----'
} > /dev/console

// Authenticate + write + verify of one Nitrokey Pro TOTP slot through hidapi, timed (bench/nitrokey-vs-libnitrokey.sh).
print("nitrokey-bench: not built yet")

PC_pulsaradm := libcurl

# nginx from Debian with the brotli filter: the same nginx and modules the test
# suite runs deploy/nginx.conf with (deploy/system-packages.txt, use "proxy").
FROM debian:bookworm-slim
COPY deploy/system-packages.txt deploy/
COPY scripts/ensure-system.sh scripts/
RUN bash scripts/ensure-system.sh proxy && rm -rf /var/lib/apt/lists/* \
    && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
COPY deploy/nginx.conf /etc/nginx/khlang.conf
EXPOSE 80 443
CMD ["nginx", "-c", "/etc/nginx/khlang.conf", "-g", "daemon off;"]
